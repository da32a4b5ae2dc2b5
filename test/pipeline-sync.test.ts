import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { dec } from '../src/aggregation/index.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { createRun, getRun } from '../src/warehouse/sync-runs.js';
import { makeTestConnector } from './support/test-connector.js';
import { generateRows, TestSource } from './support/test-source.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { addTestConnection, loadProvinceReference, observationChecksum, provinceValue, resetWarehouse, tableCount, testSecretEnv } from './support/warehouse-fixtures.js';
import { readOutboxEvents } from '../src/events/outbox-events.js';
import { testBoundary } from './support/boundary.js';

const logger = createLogger('silent');
const months = (year: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${year}-${String(from + i).padStart(2, '0')}`);

/** Legacy An Giang (89) and Kiên Giang (91) before the reform, the merged An Giang (91) after; 3 agencies each. */
const rows = () =>
  generateRows(
    [
      { code: '89', months: months(2025, 1, 6) },
      { code: '91', months: months(2025, 1, 6) },
      { code: '40', months: months(2025, 1, 12) },
    ],
    3,
  ).concat(generateRows([{ code: '91', months: months(2025, 7, 9) }], 3));

describe('sync engine: stages, idempotence, revisions, rejections', () => {
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  const registry = new ConnectorRegistry([makeTestConnector(1)]);
  const deps = () => ({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: testSecretEnv });
  const sync = async (connectionId: string, mode: 'incremental' | 'full_refresh' = 'incremental', reg = registry, replayOf?: number) => {
    const { run } = await createRun(t.db, { connectionId, mode: replayOf !== undefined ? 'replay' : mode, ...(replayOf !== undefined ? { replayOf } : {}) });
    return executeRun({ ...deps(), connectors: reg }, run.id, { signal: new AbortController().signal });
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    source = new TestSource(rows());
    baseUrl = await source.start();
    await resetWarehouse(t.db);
    await addTestConnection(t.db, 'dvc', baseUrl);
  });
  afterEach(async () => source.stop());

  it('loads every page and sums the agencies of a unit and month into one observation', async () => {
    const run = await sync('dvc');
    expect(run.status).toBe('succeeded');
    expect(run.records_fetched).toBe(source.rows.length);
    expect(run.records_landed).toBe(source.rows.length);
    // 6 + 6 + 12 + 3 unit-months, two indicators each
    expect(run.observations_inserted).toBe(2 * 27);
    // A unit-month whose agencies straddle two pages is inserted by one page and updated by the next: one event each.
    expect(run.events_written).toBe(run.observations_inserted + run.observations_updated);
    const agencies = source.rows.filter((r) => r.unit === '40' && r.month === '2025-03');
    const expected = agencies.reduce((s, r) => s + Number(r.dossiers), 0);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31')).toBe(String(expected));
    // Codes as of the month: 91 in March is Kiên Giang (legacy), in August the merged An Giang.
    const kg = source.rows.filter((r) => r.unit === '91' && r.month === '2025-03').reduce((s, r) => s + Number(r.online), 0);
    const ag = source.rows.filter((r) => r.unit === '91' && r.month === '2025-08').reduce((s, r) => s + Number(r.online), 0);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_ONLINE', '91', '2025-03', '2025-03-31')).toBe(String(kg));
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_ONLINE', '91', '2025-08', '2025-08-31')).toBe(String(ag));
  });

  it('materialises the rolled-up and derived values: DVC_ONLINE_RATE of the merged An Giang for 2025 from legacy 89 + 91 and current 91', async () => {
    const run = await sync('dvc');
    const inYear = source.rows.filter((r) => r.unit === '89' || r.unit === '91');
    const online = inYear.reduce((s, r) => s + Number(r.online), 0);
    const dossiers = inYear.reduce((s, r) => s + Number(r.dossiers), 0);
    const expected = dec(online).times(100).dividedBy(dossiers);
    const value = await sql<{ value: string; sync_run_id: number }>`
      select iv.value::text as value, iv.sync_run_id from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = 'DVC_ONLINE_RATE' and u.code = '91' and u.valid_from = '2025-07-01' and iv.period_code = '2025'`.execute(t.db);
    expect(value.rows[0]?.value).toBe(expected.toFixed());
    expect(value.rows[0]?.sync_run_id).toBe(run.id);
    // Quarter 3 of the merged province: its own rows only; quarter 1 of legacy Kiên Giang: its own rows only.
    const q3 = source.rows.filter((r) => r.unit === '91' && r.month >= '2025-07');
    const q3Rate = dec(q3.reduce((s, r) => s + Number(r.online), 0)).times(100).dividedBy(q3.reduce((s, r) => s + Number(r.dossiers), 0));
    const stored = await sql<{ period_code: string; value: string; valid_to: string | null }>`
      select iv.period_code, iv.value::text as value, u.valid_to from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = 'DVC_ONLINE_RATE' and u.code = '91' and iv.period_code in ('2025-Q3') order by u.valid_to nulls last`.execute(t.db);
    expect(stored.rows).toEqual([{ period_code: '2025-Q3', value: q3Rate.toFixed(), valid_to: null }]);
    const aggregateEvents = await sql<{ n: number }>`select count(*)::int as n from outbox_event where type = 'vn.lgsp.aggregate.changed.v1'`.execute(t.db);
    const values = await sql<{ n: number }>`select count(*)::int as n from indicator_value`.execute(t.db);
    expect(aggregateEvents.rows[0]?.n).toBe(values.rows[0]?.n);
    expect(await tableCount(t.db, 'observation')).toBe(54);
  });

  it('the same sync twice: the second inserts nothing, updates nothing and emits no event', async () => {
    await sync('dvc');
    const before = { ...(await observationChecksum(t.db)), events: await tableCount(t.db, 'outbox_event'), raw: await tableCount(t.db, 'raw_record') };
    const second = await sync('dvc', 'full_refresh');
    expect(second.records_fetched).toBe(source.rows.length);
    expect(second.records_unchanged).toBe(source.rows.length);
    expect([second.records_landed, second.observations_inserted, second.observations_updated, second.events_written]).toEqual([0, 0, 0, 0]);
    const incremental = await sync('dvc');
    expect(incremental.records_fetched).toBe(0);
    expect(await tableCount(t.db, 'outbox_event')).toBe(before.events + 2); // only the two sync.completed events
    expect(await tableCount(t.db, 'raw_record')).toBe(before.raw);
    expect(await observationChecksum(t.db)).toEqual({ count: before.count, digest: before.digest });
  });

  it('a revised row updates its observation with a revision and one event; the incremental cursor fetches only it', async () => {
    await sync('dvc');
    const row = source.rows.find((r) => r.id === '40-2025-03-2');
    if (!row) throw new Error('fixture');
    const old = await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31');
    source.revise(row.id, { dossiers: Number(row.dossiers) + 5 });
    const run = await sync('dvc');
    expect(run.records_fetched).toBe(1);
    expect([run.observations_inserted, run.observations_updated, run.events_written]).toEqual([0, 1, 1]);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31')).toBe(String(Number(old) + 5));
    const revisions = await t.db.selectFrom('observation_revision').select(['change', 'old_value', 'new_value', 'sync_run_id']).where('sync_run_id', '=', run.id).execute();
    expect(revisions).toEqual([{ change: 'update', old_value: old, new_value: String(Number(old) + 5), sync_run_id: run.id }]);
    const event = (await readOutboxEvents(t.db, undefined, 100_000)).filter((e) => e.type === 'vn.lgsp.observation.changed.v1').at(-1);
    expect(event?.subject).toBe('DVC_DOSSIERS_NEW/40/2025-03');
    expect(event?.data).toMatchObject({ value: String(Number(old) + 5), previousValue: old, connectionId: 'dvc', runId: run.id, unitOfMeasure: 'dossiers' });
  });

  it('malformed rows are rejected with reason and location; the good rows beside them load', async () => {
    source.rows.push(
      { id: 'bad-negative', month: '2025-05', unit: '40', dossiers: -3, online: 1, updatedAt: source.nextUpdateTime() },
      { id: 'bad-text', month: '2025-05', unit: '40', dossiers: 'mười', online: 1, updatedAt: source.nextUpdateTime() },
      { id: 'bad-unit', month: '2025-05', unit: '99', dossiers: 3, online: 1, updatedAt: source.nextUpdateTime() },
      { id: 'bad-legacy-after-reform', month: '2025-09', unit: '89', dossiers: 3, online: 1, updatedAt: source.nextUpdateTime() },
    );
    const run = await sync('dvc');
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(4);
    expect(run.observations_inserted).toBe(2 * 27);
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).orderBy('id').execute();
    expect(rejected.map((r) => [r.code, (r.location as { key: string }).key])).toEqual([
      ['NEGATIVE_COUNT', 'bad-negative'],
      ['NOT_A_NUMBER', 'bad-text'],
      ['UNIT_NOT_FOUND', 'bad-unit'],
      ['UNIT_NOT_FOUND', 'bad-legacy-after-reform'],
    ]);
    expect(rejected[2]?.reason).toMatch(/no province has code 99/);
    expect(rejected[3]?.reason).toMatch(/province code 89 is not valid on 2025-09-30 \(valid … to 2025-06-30\)/);
    expect(rejected[0]?.location).toMatchObject({ stream: 'rows', key: 'bad-negative', index: expect.any(Number) as number });
  });

  it('survives 429 with Retry-After, 503 bursts, a slow answer and a token expiring mid-sync, with the same data', async () => {
    await sync('dvc');
    const clean = await observationChecksum(t.db);
    await sql`truncate observation, observation_revision, outbox_event, observation_contribution, source_record, rejected_record, raw_record, sync_state, sync_run_stream, sync_run cascade`.execute(t.db);
    source.faults = { tooManyRequests: { count: 1, retryAfterSeconds: 1 }, unavailable: 3, slow: { count: 1, delayMs: 3000 }, expireTokensAfter: 2 };
    const started = Date.now();
    const run = await sync('dvc');
    expect(run.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(source.stats.tokenRequests).toBe(3); // first sync, second sync, and one refresh after the expiry
    expect(await observationChecksum(t.db)).toEqual(clean);
  });

  it('bad credentials fail the run at once with the reason, without retries', async () => {
    await t.db.updateTable('connection').set({ config: JSON.stringify({ baseUrl, clientId: 'wrong', pageSize: 25 }) }).where('id', '=', 'dvc').execute();
    const { run } = await createRun(t.db, { connectionId: 'dvc', mode: 'incremental' });
    await expect(executeRun(deps(), run.id, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED', permanent: true });
    expect(source.stats.tokenRequests).toBe(1);
    expect(source.stats.rowRequests).toBe(0);
    expect((await getRun(t.db, run.id))?.records_fetched).toBe(0);
  });

  it('a backfill reads only its months and leaves the incremental cursor where it was', async () => {
    await sync('dvc');
    const cursor = await t.db.selectFrom('sync_state').select('cursor').where('connection_id', '=', 'dvc').executeTakeFirstOrThrow();
    await sql`truncate observation, observation_contribution, source_record cascade`.execute(t.db);
    const { run } = await createRun(t.db, { connectionId: 'dvc', mode: 'backfill', params: { from: '2025-03', to: '2025-04' } });
    const done = await executeRun(deps(), run.id, { signal: new AbortController().signal });
    const inRange = source.rows.filter((r) => r.month >= '2025-03' && r.month <= '2025-04');
    expect(done.records_fetched).toBe(inRange.length);
    const periods = await t.db.selectFrom('observation').select('period_code').distinct().orderBy('period_code').execute();
    expect(periods.map((p) => p.period_code)).toEqual(['2025-03', '2025-04']);
    expect((await t.db.selectFrom('sync_state').select('cursor').where('connection_id', '=', 'dvc').executeTakeFirstOrThrow()).cursor).toEqual(cursor.cursor);
  });

  it('replay after a normaliser fix updates exactly the affected observations', async () => {
    const first = await sync('dvc');
    const before = await t.db.selectFrom('observation').select(['indicator_code', 'unit_id', 'period_code', 'value']).execute();
    const fixed = new ConnectorRegistry([makeTestConnector(2)]);
    const replay = await sync('dvc', 'incremental', fixed, first.id);
    expect(replay.status).toBe('succeeded');
    expect(source.stats.rowRequests).toBeGreaterThan(0);
    const requestsBefore = source.stats.rowRequests;
    // Version 2 adds postal dossiers: DVC_DOSSIERS_NEW changes where a unit-month had any; ONLINE never does.
    const postal = new Map<string, number>();
    for (const r of source.rows) postal.set(`${r.unit}|${r.month}`, (postal.get(`${r.unit}|${r.month}`) ?? 0) + (r.postal ?? 0));
    const affected = [...postal.values()].filter((p) => p > 0).length;
    expect(replay.observations_updated).toBe(affected);
    expect(replay.observations_inserted).toBe(0);
    expect(replay.records_fetched).toBe(source.rows.length);
    expect(source.stats.rowRequests).toBe(requestsBefore); // nothing fetched
    const after = await t.db.selectFrom('observation').select(['indicator_code', 'unit_id', 'period_code', 'value']).execute();
    const changed = after.filter((a) => before.find((b) => b.indicator_code === a.indicator_code && b.unit_id === a.unit_id && b.period_code === a.period_code)?.value !== a.value);
    expect(changed.length).toBe(affected);
    expect(changed.every((c) => c.indicator_code === 'DVC_DOSSIERS_NEW')).toBe(true);
    const p40 = postal.get('40|2025-03') ?? 0;
    const base = source.rows.filter((r) => r.unit === '40' && r.month === '2025-03').reduce((s, r) => s + Number(r.dossiers), 0);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31')).toBe(String(base + p40));
  });
});
