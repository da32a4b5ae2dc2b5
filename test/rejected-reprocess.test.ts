import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { ConflictError } from '../src/errors.js';
import { observationChangedEvent, readOutboxEvents } from '../src/events/outbox-events.js';
import { createLogger } from '../src/logger.js';
import { groupRejected } from '../src/operations/rejection-groups.js';
import { listRejected } from '../src/operations/rejections.js';
import { prepareReprocess, type ReprocessInput } from '../src/operations/reprocess.js';
import { addUnitAlias, removeUnitAlias } from '../src/operations/unit-aliases.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { resolveUnit } from '../src/units/resolve.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import { makeTestConnector } from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { TestSource, type TestRow } from './support/test-source.js';
import { addTestConnection, loadProvinceReference, provinceValue, resetWarehouse, testSecretEnv } from './support/warehouse-fixtures.js';

const logger = createLogger('silent');

/** Nghệ An by code; three agencies writing Kiên Giang misspelt; one an unknown province; one a negative count. */
function rows(): TestRow[] {
  let t = Date.parse('2025-04-01T00:00:00Z');
  const at = () => new Date((t += 1000)).toISOString();
  return [
    { id: 'na-1', month: '2025-03', unit: '40', dossiers: 10, online: 4, updatedAt: at() },
    { id: 'kg-1', month: '2025-03', unit: '', address: 'Sở TT&TT, tỉnh Kien Giangg', dossiers: 7, online: 3, updatedAt: at() },
    { id: 'kg-2', month: '2025-03', unit: '', address: 'Sở TT&TT, tỉnh Kien Giangg', dossiers: 5, online: 2, updatedAt: at() },
    { id: 'kg-3', month: '2025-03', unit: '', address: 'Sở TT&TT, tỉnh Kien Giangg', dossiers: 1, online: 1, updatedAt: at() },
    { id: 'xx-1', month: '2025-03', unit: '', address: 'tỉnh Xứ Nẫu', dossiers: 9, online: 9, updatedAt: at() },
    { id: 'neg-1', month: '2025-03', unit: '40', dossiers: -2, online: 0, updatedAt: at() },
  ];
}

describe('stewards fix and reprocess rejected records', () => {
  let t: TestDatabase;
  let source: TestSource;
  const registry = new ConnectorRegistry([makeTestConnector(1)]);
  const deps = () => ({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: testSecretEnv });
  const execute = async (runId: number) => executeRun(deps(), runId, { signal: new AbortController().signal });
  const sync = async () => execute((await createRun(t.db, { connectionId: 'dvc', mode: 'incremental' })).run.id);
  /** A reprocess as the worker runs it: the runs the request asks for, executed one by one. */
  const reprocess = async (input: ReprocessInput) => {
    const runs = [];
    for (const request of await prepareReprocess(t.db, input)) runs.push(await execute((await createRun(t.db, request)).run.id));
    return runs;
  };
  const open = async (code?: string) => (await listRejected(t.db, { connectionId: 'dvc', code, limit: 100 })).records;
  const idsOf = async (keys: readonly string[]) =>
    (await listRejected(t.db, { connectionId: 'dvc', state: 'all', limit: 100 })).records.filter((r) => keys.includes(String((r.location as { key?: unknown }).key))).map((r) => r.id);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    source = new TestSource(rows());
    await resetWarehouse(t.db);
    await t.db.deleteFrom('unit_alias').execute();
    await addTestConnection(t.db, 'dvc', await source.start());
  });
  afterEach(async () => source.stop());

  it('groups the rejections by code and reason, open ones by default', async () => {
    const run = await sync();
    expect(run.records_rejected).toBe(5);
    const groups = await groupRejected(t.db, { connectionId: 'dvc', state: 'open' });
    expect(groups.map((g) => [g.code, g.count])).toEqual([['UNIT_NOT_FOUND', 3], ['NEGATIVE_COUNT', 1], ['UNIT_NOT_FOUND', 1]]);
    expect(groups[0]?.reason).toContain('Kien Giangg');
    expect(groups[0]?.connections).toEqual(['dvc']);
    expect(await groupRejected(t.db, { code: 'unit_not_found', state: 'open' })).toHaveLength(2);
    expect(await groupRejected(t.db, { state: 'resolved' })).toEqual([]);
  });

  it('an alias is dated, refuses a code that does not exist on its days and a name already taken, and is used by units resolve', async () => {
    await expect(addUnitAlias(t.db, { name: 'Kien Giangg', code: '89', from: '2025-07-01' }, 'test')).rejects.toMatchObject({ code: 'UNIT_ALIAS_CODE_INVALID', issues: [{ field: 'code' }] });
    await expect(addUnitAlias(t.db, { name: 'Kien Giangg', code: '91', from: '2025-07-01', to: '2025-01-01' }, 'test')).rejects.toMatchObject({ issues: [{ field: 'from' }] });
    const alias = await addUnitAlias(t.db, { name: 'Kien Giangg', code: '91', to: '2025-06-30' }, 'test');
    await expect(addUnitAlias(t.db, { name: 'kien giangg', code: '40', from: '2025-06-01', to: '2025-12-31' }, 'test')).rejects.toBeInstanceOf(ConflictError);

    const before = await resolveUnit(t.db, 'Kien Giangg', { asOf: '2025-03-31' });
    expect(before).toMatchObject({ ok: true, matchedBy: 'alias', unit: { code: '91', validTo: '2025-06-30' } });
    // Outside its days the alias names nothing.
    expect(await resolveUnit(t.db, 'Kien Giangg', { asOf: '2025-08-01' })).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
    await removeUnitAlias(t.db, alias.id);
    expect(await resolveUnit(t.db, 'Kien Giangg', { asOf: '2025-03-31' })).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
  });

  it('reprocess re-normalises exactly the chosen records from the landing zone: observations with events, resolved by the run', async () => {
    await sync();
    const requests = source.stats.rowRequests;
    const tokens = source.stats.tokenRequests;
    await addUnitAlias(t.db, { name: 'Kien Giangg', code: '91', to: '2025-06-30' }, 'test');

    const [run, ...others] = await reprocess({ connectionId: 'dvc', code: 'UNIT_NOT_FOUND' });
    expect(others).toEqual([]);
    expect(run).toMatchObject({ mode: 'reprocess', status: 'succeeded', records_fetched: 4, records_landed: 0, records_rejected: 1, observations_inserted: 2 });
    // Nothing fetched again: the source saw no request.
    expect(source.stats.rowRequests).toBe(requests);
    expect(source.stats.tokenRequests).toBe(tokens);

    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '91', '2025-03', '2025-03-31')).toBe('13');
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_ONLINE', '91', '2025-03', '2025-03-31')).toBe('6');
    // Published like a sync page's: one event per revision the run wrote (the rolled-up values follow with theirs).
    const revisions = await t.db.selectFrom('observation_revision').select('id').where('sync_run_id', '=', run?.id ?? 0).execute();
    expect(revisions).toHaveLength(2);
    const events = (await readOutboxEvents(t.db)).filter((e) => e.type === observationChangedEvent && e.data.runId === run?.id);
    expect(events.map((e) => e.id).sort()).toEqual(revisions.map((r) => `revision-${r.id}`).sort());
    expect(events.map((e) => e.subject)).toEqual(expect.arrayContaining(['DVC_DOSSIERS_NEW/91/2025-03', 'DVC_DOSSIERS_ONLINE/91/2025-03']));

    const resolved = (await listRejected(t.db, { connectionId: 'dvc', state: 'resolved', limit: 100 })).records;
    expect(resolved.map((r) => (r.location as { key: string }).key).sort()).toEqual(['kg-1', 'kg-2', 'kg-3']);
    expect(resolved.every((r) => r.resolved_by_run_id === run?.id && r.resolved_at !== null)).toBe(true);
    // Still failing: still open, with today's reason; the negative count was not chosen and is untouched.
    expect((await open()).map((r) => (r.location as { key: string }).key).sort()).toEqual(['neg-1', 'xx-1']);
    expect(await groupRejected(t.db, { connectionId: 'dvc', state: 'open' })).toHaveLength(2);
  });

  it('reprocess by id and by code takes exactly those records; nothing open is a conflict', async () => {
    await sync();
    await addUnitAlias(t.db, { name: 'Kien Giangg', code: '91' }, 'test');
    await addUnitAlias(t.db, { name: 'Xứ Nẫu', code: '40' }, 'test');
    const [kg1, xx] = [await idsOf(['kg-1']), await idsOf(['xx-1'])];

    const [byId] = await reprocess({ ids: [...kg1, ...xx] });
    expect(byId).toMatchObject({ connection_id: 'dvc', records_fetched: 2, records_rejected: 0 });
    expect((await open()).map((r) => (r.location as { key: string }).key).sort()).toEqual(['kg-2', 'kg-3', 'neg-1']);

    const [byCode] = await reprocess({ code: 'negative_count' });
    expect(byCode).toMatchObject({ records_fetched: 1, records_rejected: 1 });
    expect((await open('NEGATIVE_COUNT')).map((r) => r.reason)).toEqual([expect.stringContaining('negative')]);
    expect((await open('UNIT_NOT_FOUND')).length).toBe(2);

    await expect(prepareReprocess(t.db, { code: 'PERIOD_INVALID' })).rejects.toMatchObject({ code: 'REPROCESS_NOTHING' });
    await expect(prepareReprocess(t.db, { ids: [999_999] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
