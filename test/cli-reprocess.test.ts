import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncQueue } from '../src/queue/sync-queue.js';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import { listAuditEntries } from '../src/warehouse/audit-log.js';
import { cliQueueEnv, freshQueue, jsonLines, startInProcessWorker } from './support/cli-queue.js';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { testClient, TestSource, type TestRow } from './support/test-source.js';
import { loadProvinceReference, testSecretEnv } from './support/warehouse-fixtures.js';

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

describe('lgsp units alias and lgsp rejected list --group / reprocess', () => {
  let t: TestDatabase;
  let source: TestSource;
  let queue: SyncQueue;
  let worker: SyncWorker | undefined;
  let env: Record<string, string>;
  const lgsp = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    source = new TestSource(rows());
    const baseUrl = await source.start();
    queue = await freshQueue();
    env = { DATABASE_URL: t.url, ...cliQueueEnv, LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', ...testSecretEnv };
    worker = startInProcessWorker(t.db);
    const secret = `client_secret=env:${Object.keys(testSecretEnv)[0] ?? ''}`;
    expect((await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }), '--secret', secret)).code).toBe(0);
    const synced = await lgsp('sync', 'dvc', '--wait', '--json');
    expect(synced.code).toBe(0);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await queue.obliterate({ force: true });
    await queue.close();
    await source.stop();
    await t.drop();
  });

  it('groups the open rejections, adds a dated alias (refusing a code not valid then), resolves with it, reprocesses without fetching, all audited', async () => {
    const groups = await lgsp('rejected', 'list', '--group', '--json');
    expect(groups.code).toBe(0);
    expect(JSON.parse(groups.stdout)).toMatchObject([{ code: 'UNIT_NOT_FOUND', count: 2 }, { code: 'NEGATIVE_COUNT', count: 1 }]);
    const table = await lgsp('rejected', 'list', '--group');
    expect(table.stdout).toMatch(/3 rejected record\(s\) in 2 group\(s\)/);

    const refused = await lgsp('units', 'alias', 'add', 'Kien Giangg', '--code', '89', '--from', '2025-07-01');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/UNIT_ALIAS_CODE_INVALID.*no province has code 89 on every day from 2025-07-01 to now.*--from\/--to/);
    const added = await lgsp('units', 'alias', 'add', 'Kien Giangg', '--code', '91', '--to', '2025-06-30', '--json');
    expect(added.code).toBe(0);
    const alias = JSON.parse(added.stdout) as { id: number; createdBy: string };
    expect(alias.createdBy).toMatch(/^os:/);
    const again = await lgsp('units', 'alias', 'add', 'kien giangg', '--code', '91');
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('UNIT_ALIAS_EXISTS')]);

    const resolved = await lgsp('units', 'resolve', 'Kien Giangg', '--as-of', '2025-03-31');
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toMatch(/province 91 .*matched by alias/);
    expect((await lgsp('units', 'resolve', 'Kien Giangg', '--as-of', '2025-08-01')).code).toBe(1);

    const requests = source.stats.rowRequests;
    const reprocessed = await lgsp('rejected', 'reprocess', '--connection', 'dvc', '--code', 'UNIT_NOT_FOUND', '--wait', '--json');
    expect(reprocessed.code).toBe(0);
    const last = jsonLines(reprocessed.stdout).at(-1);
    expect(last).toMatchObject({ status: 'succeeded', mode: 'reprocess', counts: { records_fetched: 2, records_rejected: 0 } });
    expect(source.stats.rowRequests).toBe(requests);
    const open = JSON.parse((await lgsp('rejected', 'list', '--json')).stdout) as { code: string }[];
    expect(open.map((r) => r.code)).toEqual(['NEGATIVE_COUNT']);
    const done = JSON.parse((await lgsp('rejected', 'list', '--status', 'resolved', '--json')).stdout) as { resolvedByRunId: number }[];
    expect(done.map((r) => r.resolvedByRunId)).toEqual([last?.id, last?.id]);

    const byId = await lgsp('rejected', 'reprocess', '--id', '999999');
    expect(byId.code).toBe(1);
    expect(byId.stderr).toContain('NOT_FOUND');

    const entries = await listAuditEntries(t.db, { limit: 100 });
    expect(entries.find((e) => e.action === 'unit.alias.create' && e.outcome === 'success')).toMatchObject({ channel: 'cli', objectType: 'unit_alias', objectId: String(alias.id), exitCode: 0 });
    expect(entries.find((e) => e.action === 'unit.alias.create' && e.exitCode === 2)).toMatchObject({ outcome: 'refused', errorCode: 'UNIT_ALIAS_CODE_INVALID' });
    expect(entries.find((e) => e.action === 'rejected.reprocess' && e.exitCode === 0)).toMatchObject({ objectType: 'connection', objectId: 'dvc', fields: expect.arrayContaining(['--connection', '--code', '--wait']) as string[] });

    const removed = await lgsp('units', 'alias', 'remove', String(alias.id));
    expect(removed.code).toBe(0);
    expect((await listAuditEntries(t.db, { limit: 100 })).find((e) => e.action === 'unit.alias.delete')).toMatchObject({ objectId: String(alias.id), outcome: 'success' });
  });
});
