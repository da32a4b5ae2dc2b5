import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import { listAuditEntries, type AuditEntry } from '../src/warehouse/audit-log.js';
import { startInProcessWorker } from './support/cli-queue.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { testClient, TestSource, type TestRow } from './support/test-source.js';
import { loadProvinceReference, provinceValue, testSecretEnv } from './support/warehouse-fixtures.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Run {
  id: number;
  connectionId: string;
  mode: string;
  status: string;
  counts: Record<string, number>;
}

interface Rejected {
  id: number;
  code: string;
  location: { key: string };
  resolvedAt: string | null;
  resolvedByRunId: number | null;
}

const secretVariable = 'LGSP_SECRET_TEST_CLIENT' satisfies keyof typeof testSecretEnv;

function rows(): TestRow[] {
  let t = Date.parse('2025-04-01T00:00:00Z');
  const at = () => new Date((t += 1000)).toISOString();
  return [
    { id: 'na-1', month: '2025-03', unit: '40', dossiers: 10, online: 4, updatedAt: at() },
    { id: 'kg-1', month: '2025-03', unit: '', address: 'tỉnh Kien Giangg', dossiers: 7, online: 3, updatedAt: at() },
    { id: 'kg-2', month: '2025-03', unit: '', address: 'tỉnh Kien Giangg', dossiers: 5, online: 2, updatedAt: at() },
    { id: 'neg-1', month: '2025-03', unit: '40', dossiers: -2, online: 0, updatedAt: at() },
  ];
}

describe('API: rejected groups, unit aliases, reprocess', () => {
  let api: TestApi;
  let source: TestSource;
  let worker: SyncWorker | undefined;
  const savedSecret = process.env[secretVariable];
  const operate = (options: InjectOptions) => api.request({ ...options, as: 'operate' });
  const fieldsOf = (body: Problem) => (body.errors ?? []).map((e) => e.field);

  async function waitForRun(id: number): Promise<Run> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const run = (await operate({ method: 'GET', url: `/v1/runs/${id}` })).json<Run>();
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function waitForEntry(match: (e: AuditEntry) => boolean): Promise<AuditEntry> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = (await listAuditEntries(api.t.db, { limit: 1000 })).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no such audit entry appeared');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_API_RATE_LIMIT: '100000' });
    await loadProvinceReference(api.t.db);
    source = new TestSource(rows());
    const baseUrl = await source.start();
    process.env[secretVariable] = testClient.secret;
    worker = startInProcessWorker(api.t.db, api.deps.config.queue);
    const created = await operate({
      method: 'POST', url: '/v1/connections',
      payload: { id: 'dvc', connector: 'test-dossiers', name: 'DVC', config: { baseUrl, clientId: testClient.id }, secretRefs: { client_secret: { env: secretVariable } } },
    });
    expect(created.statusCode).toBe(201);
    const sync = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: {} });
    expect(sync.statusCode).toBe(202);
    expect(await waitForRun(sync.json<{ run: Run }>().run.id)).toMatchObject({ status: 'succeeded', counts: { records_rejected: 3 } });
  });
  afterAll(async () => {
    if (savedSecret === undefined) delete process.env.LGSP_SECRET_TEST_CLIENT;
    else process.env.LGSP_SECRET_TEST_CLIENT = savedSecret;
    await worker?.shutdown();
    await api.close();
    await source.stop();
  });

  it('every new route: 401 without a key, 403 with a read key', async () => {
    const routes: InjectOptions[] = [
      { method: 'GET', url: '/v1/rejected/groups' },
      { method: 'POST', url: '/v1/rejected/reprocess', payload: {} },
      { method: 'GET', url: '/v1/units/aliases' },
      { method: 'POST', url: '/v1/units/aliases', payload: { name: 'x', code: '91' } },
      { method: 'DELETE', url: '/v1/units/aliases/1' },
    ];
    for (const route of routes) {
      const missing = await api.request({ ...route, as: null });
      expect([route.url, missing.statusCode, missing.json<Problem>().code]).toEqual([route.url, 401, 'API_KEY_MISSING']);
      const readOnly = await api.request({ ...route, as: 'read' });
      expect([route.url, readOnly.statusCode, readOnly.json<Problem>().code]).toEqual([route.url, 403, 'SCOPE_MISSING']);
    }
    expect(await api.t.db.selectFrom('unit_alias').select('id').execute()).toEqual([]);
  });

  it('GET /v1/rejected/groups counts the open rejections by code and reason', async () => {
    const res = await operate({ method: 'GET', url: '/v1/rejected/groups?connection=dvc' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { code: string; count: number; reason: string }[]; total: number }>();
    expect(body.total).toBe(3);
    expect(body.items.map((g) => [g.code, g.count])).toEqual([['UNIT_NOT_FOUND', 2], ['NEGATIVE_COUNT', 1]]);
    expect((await operate({ method: 'GET', url: '/v1/rejected/groups?code=negative_count' })).json<{ total: number }>().total).toBe(1);
    expect((await operate({ method: 'GET', url: '/v1/rejected/groups?status=resolved' })).json<{ total: number }>().total).toBe(0);
    const unknown = await operate({ method: 'GET', url: '/v1/rejected/groups?connection=nowhere' });
    expect([unknown.statusCode, unknown.json<Problem>().code]).toEqual([404, 'NOT_FOUND']);
    const bad = await operate({ method: 'GET', url: '/v1/rejected/groups?status=fixed' });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json<Problem>())).toEqual(['querystring.status']);
  });

  it('aliases: 400 naming the field, a code not valid on the days refused, 409 for a duplicate, 404 for an unknown id', async () => {
    const cases: { body: Record<string, unknown>; fields: string[] }[] = [
      { body: { code: '91' }, fields: ['body.name'] },
      { body: { name: 'Kien Giangg', code: '9' }, fields: ['body.code'] },
      { body: { name: 'Kien Giangg', code: '91', to: '2025-13-01' }, fields: ['body.to'] },
      { body: { name: 'Kien Giangg', code: '91', level: 'district' }, fields: ['body.level'] },
      { body: { name: 'Kien Giangg', code: '91', colour: 'red' }, fields: ['body.colour'] },
      { body: { name: 'Kien Giangg', code: '89', from: '2025-07-01' }, fields: ['body.code'] },
      { body: { name: 'Kien Giangg', code: '91', from: '2025-07-01', to: '2025-01-01' }, fields: ['body.from'] },
    ];
    for (const c of cases) {
      const res = await operate({ method: 'POST', url: '/v1/units/aliases', payload: c.body });
      expect([JSON.stringify(c.body), res.statusCode, fieldsOf(res.json<Problem>())]).toEqual([JSON.stringify(c.body), 400, c.fields]);
    }
    const refused = await operate({ method: 'POST', url: '/v1/units/aliases', payload: { name: 'Kien Giangg', code: '89', from: '2025-07-01' } });
    expect(refused.json<Problem>()).toMatchObject({ code: 'UNIT_ALIAS_CODE_INVALID', detail: expect.stringContaining('lgsp units resolve') as string });

    const created = await operate({ method: 'POST', url: '/v1/units/aliases', payload: { name: 'Kien Giangg', code: '91', to: '2025-06-30', note: 'DVC agencies misspell it' } });
    expect(created.statusCode).toBe(201);
    const alias = created.json<{ id: number; level: string; from: string | null; to: string | null; createdBy: string }>();
    expect(alias).toMatchObject({ level: 'province', from: null, to: '2025-06-30', createdBy: expect.stringContaining('test operate') as string });
    const duplicate = await operate({ method: 'POST', url: '/v1/units/aliases', payload: { name: 'KIEN GIANGG', code: '40', from: '2025-01-01', to: '2025-03-31' } });
    expect([duplicate.statusCode, duplicate.json<Problem>().code]).toEqual([409, 'UNIT_ALIAS_EXISTS']);

    const list = await operate({ method: 'GET', url: '/v1/units/aliases' });
    expect(list.json<{ items: { id: number }[] }>().items.map((a) => a.id)).toEqual([alias.id]);
    const missing = await operate({ method: 'DELETE', url: '/v1/units/aliases/999999' });
    expect([missing.statusCode, missing.json<Problem>().code]).toEqual([404, 'NOT_FOUND']);
    const badId = await operate({ method: 'DELETE', url: '/v1/units/aliases/abc' });
    expect([badId.statusCode, fieldsOf(badId.json<Problem>())]).toEqual([400, ['params.id']]);

    // Audited, with the created alias's id.
    expect(await waitForEntry((e) => e.action === 'unit.alias.create' && e.outcome === 'success')).toMatchObject({ objectType: 'unit_alias', objectId: String(alias.id) });
    expect(await waitForEntry((e) => e.action === 'unit.alias.create' && e.status === 409)).toMatchObject({ outcome: 'refused', errorCode: 'UNIT_ALIAS_EXISTS' });
    expect(await waitForEntry((e) => e.action === 'unit.alias.delete' && e.status === 404)).toMatchObject({ objectId: '999999', outcome: 'refused' });
  });

  it('POST /v1/rejected/reprocess: 400 naming the field, 404, then a worker re-normalises the records without fetching and resolves them', async () => {
    const bad = await operate({ method: 'POST', url: '/v1/rejected/reprocess', payload: { ids: [0], connections: 'dvc' } });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json<Problem>()).sort()).toEqual(['body.connections', 'body.ids.0']);
    const unknown = await operate({ method: 'POST', url: '/v1/rejected/reprocess', payload: { connection: 'nowhere' } });
    expect([unknown.statusCode, unknown.json<Problem>().code]).toEqual([404, 'NOT_FOUND']);
    const unknownIds = await operate({ method: 'POST', url: '/v1/rejected/reprocess', payload: { ids: [999_999] } });
    expect([unknownIds.statusCode, unknownIds.json<Problem>().code]).toEqual([404, 'NOT_FOUND']);
    const nothing = await operate({ method: 'POST', url: '/v1/rejected/reprocess', payload: { code: 'PERIOD_INVALID' } });
    expect([nothing.statusCode, nothing.json<Problem>().code]).toEqual([409, 'REPROCESS_NOTHING']);

    const requests = source.stats.rowRequests;
    const res = await operate({ method: 'POST', url: '/v1/rejected/reprocess', payload: { connection: 'dvc', code: 'unit_not_found' } });
    expect(res.statusCode).toBe(202);
    const [started, ...more] = res.json<{ runs: { joined: boolean; run: Run }[] }>().runs;
    expect(more).toEqual([]);
    expect(started?.run).toMatchObject({ connectionId: 'dvc', mode: 'reprocess', status: 'queued' });
    const run = await waitForRun(started?.run.id ?? 0);
    expect(run).toMatchObject({ status: 'succeeded', counts: { records_fetched: 2, records_rejected: 0, observations_inserted: 2 } });
    expect(source.stats.rowRequests).toBe(requests);
    expect(await provinceValue(api.t.db, 'DVC_DOSSIERS_NEW', '91', '2025-03', '2025-03-31')).toBe('12');

    const resolved = (await operate({ method: 'GET', url: '/v1/rejected?status=resolved' })).json<{ items: Rejected[] }>().items;
    expect(resolved.map((r) => [r.location.key, r.resolvedByRunId]).sort()).toEqual([['kg-1', run.id], ['kg-2', run.id]]);
    const stillOpen = (await operate({ method: 'GET', url: '/v1/rejected' })).json<{ items: Rejected[]; total: number }>();
    expect(stillOpen.items.map((r) => r.code)).toEqual(['NEGATIVE_COUNT']);

    expect(await waitForEntry((e) => e.action === 'rejected.reprocess' && e.outcome === 'success')).toMatchObject({ objectType: 'connection', objectId: 'dvc', status: 202 });
  });
});
