import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/aggregation/index.js';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection, findConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, observationChecksum, provinceValue, resetWarehouse, tableCount } from '../../test/support/warehouse-fixtures.js';
import paymentStats from './index.js';
import { monthRange } from './emulator/dataset.js';
import { PaymentStatsEmulator } from './emulator/server.js';
import { expectedCount, lineOf } from './test-support.js';
import { configSchema, type PaymentStatsConfig } from './config.js';
import { readOutboxEvents } from '../../src/events/outbox-events.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const keyVariable = 'LGSP_SECRET_PAYMENT_STATS_TEST';
const registry = new ConnectorRegistry([paymentStats]);
/** 2024-01 … 2025-06: legacy 89, 91, 40; 2025-07 … 2025-12: current 91, 40. Eight channels each. */
const observationsExpected = 18 * 3 * 2 + 6 * 2 * 2;
const rowsExpected = 18 * 3 * 8 + 6 * 2 * 8;

describe('payment-stats connector through the real engine', () => {
  let t: TestDatabase;
  let emulator: PaymentStatsEmulator;
  let env: NodeJS.ProcessEnv;

  const sync = async (mode: 'incremental' | 'full_refresh' = 'incremental') => {
    const { run } = await createRun(t.db, { connectionId: 'nhnn-ag', mode });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env }, run.id, { signal: new AbortController().signal });
  };
  const noncash = (code: string, ky: string) => provinceValue(t.db, 'NONCASH_TXN_COUNT', code, ky, `${ky}-15`);
  const cashCount = (code: string, ky: string) => provinceValue(t.db, 'CASH_WITHDRAWAL_COUNT', code, ky, `${ky}-15`);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    emulator = new PaymentStatsEmulator({ from: '2024-01', to: '2025-12' });
    env = { [keyVariable]: emulator.apiKey };
    const baseUrl = await emulator.start();
    await resetWarehouse(t.db);
    await insertConnection(t.db, {
      id: 'nhnn-ag',
      connectorId: 'payment-stats',
      name: 'NHNN chi nhánh An Giang',
      config: { baseUrl, timeoutMs: 1000, retry: { retries: 8, baseDelayMs: 50, maxDelayMs: 2000 } } satisfies Partial<PaymentStatsConfig>,
      secretRefs: { api_key: { env: keyVariable } },
    });
  });
  afterEach(async () => emulator.stop());

  it('loads every month through 429, a 5xx burst, a slow answer, a reset download and a broken transfer, with exact sums', async () => {
    const broken = emulator.latest('2025-08').tep;
    emulator.faults = { tooManyRequests: { count: 1, retryAfterSeconds: 1 }, serverErrors: [500, 502, 503], slow: { count: 1, delayMs: 1500 }, resetMidBody: 1, corruptFiles: { count: 2, tep: broken } };
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_fetched).toBe(rowsExpected);
    expect(run.records_rejected).toBe(0);
    expect(run.observations_inserted).toBe(observationsExpected);
    // Current An Giang (91) in August 2025: the six non-cash channels, the two cash ones, never Tổng cộng.
    expect(await noncash('91', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '91', 'noncash')));
    expect(await cashCount('91', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '91', 'cash')));
    // Before the reform 91 is Kiên Giang and 89 An Giang; 2025-03's newest version (v2, corrected) is the one loaded.
    expect(emulator.publications().filter((p) => p.ky === '2025-03').map((p) => p.phienBan)).toEqual([1, 2]);
    expect(await noncash('91', '2025-03')).toBe(String(expectedCount(emulator, '2025-03', '91', 'noncash')));
    expect(await noncash('89', '2025-03')).toBe(String(expectedCount(emulator, '2025-03', '89', 'noncash')));
    expect(emulator.fileRequests(emulator.publications().find((p) => p.ky === '2025-03' && p.phienBan === 1)?.tep ?? '')).toBe(0);
    // Nghệ An's rows arrive in NFD with extra spaces: read all the same.
    expect(await cashCount('40', '2024-02')).toBe(String(expectedCount(emulator, '2024-02', '40', 'cash')));
    // The corrupted transfers were downloaded again and never loaded.
    expect(emulator.fileRequests(broken)).toBe(3);
    const landedTotals = await sql<{ n: number }>`select count(*)::int as n from raw_record where payload->>'kenh' like '%ng c%ng'`.execute(t.db);
    expect(landedTotals.rows[0]?.n).toBe(0);
  });

  it('CASHLESS_TXN_SHARE of the current An Giang (91) for 2025 rolls up legacy 89 + 91 (Jan–Jun) and current 91 (Jul–Dec)', async () => {
    const run = await sync();
    let nonCashSum = 0;
    let cashSum = 0;
    for (const ky of monthRange('2025-01', '2025-12')) {
      for (const code of ky < '2025-07' ? ['89', '91'] : ['91']) {
        nonCashSum += expectedCount(emulator, ky, code, 'noncash');
        cashSum += expectedCount(emulator, ky, code, 'cash');
      }
    }
    const expected = dec(nonCashSum).times(100).dividedBy(dec(nonCashSum).plus(cashSum));
    const stored = await sql<{ value: string; sync_run_id: number }>`
      select iv.value::text as value, iv.sync_run_id from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = 'CASHLESS_TXN_SHARE' and u.code = '91' and u.valid_from = '2025-07-01' and iv.period_code = '2025'`.execute(t.db);
    expect(stored.rows[0]?.value).toBe(expected.toFixed());
    expect(stored.rows[0]?.sync_run_id).toBe(run.id);
    expect(Number(stored.rows[0]?.value)).toBeGreaterThan(60);
    expect(Number(stored.rows[0]?.value)).toBeLessThan(95);
  });

  it('rejects an unknown channel, text in a count, a negative count and a legacy code after the reform with reason and location; the rest loads', async () => {
    const revised = emulator.publishRevision('2025-08', {
      remove: [{ maTinh: '40', kenh: 'POS' }, { maTinh: '91', kenh: 'Ví điện tử' }],
      extraLines: [
        ['91', 'Tỉnh An Giang', '08/2025', 'Thẻ tín dụng', '1.234.567', '2.345,5'],
        ['40', 'Tỉnh Nghệ An', '08/2025', 'POS', 'mười hai nghìn', '1,5'],
        ['91', 'Tỉnh An Giang', '08/2025', 'Ví điện tử', '-1.234', '9,25'],
        ['89', 'Tỉnh An Giang', '08/2025', 'POS', '1.000', '1'], // a legacy code after the reform
      ],
    });
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(4);
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).orderBy('id').execute();
    expect(rejected.map((r) => r.code)).toEqual(['UNKNOWN_CHANNEL', 'NOT_A_NUMBER', 'NEGATIVE_COUNT', 'UNIT_NOT_FOUND']);
    expect(rejected[0]?.reason).toMatch(/Kênh thanh toán "Thẻ tín dụng" is not one of the contract's channels/);
    expect(rejected[0]?.location).toEqual({ stream: 'monthly-files', key: '2025-08|91|Thẻ tín dụng', file: revised.tep, line: lineOf(revised.bytes, 'Thẻ tín dụng'), phienBan: 2 });
    expect(rejected[3]?.reason).toMatch(/province code 89 is not valid on 2025-08-31/);
    expect(rejected[2]?.location).toMatchObject({ key: '2025-08|91|Ví điện tử', line: lineOf(revised.bytes, '-1.234') });
    // The good rows beside them load: 91 without its e-wallet row, 40 without POS.
    expect(await noncash('91', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '91', 'noncash')));
    expect(await noncash('40', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '40', 'noncash')));
    expect(await tableCount(t.db, 'observation')).toBe(observationsExpected);
  });

  it('a file whose checksum never matches fails the sync transiently and is never loaded; the next sync loads it', async () => {
    const broken = emulator.latest('2025-08').tep;
    emulator.faults = { corruptFiles: { count: 100, tep: broken } };
    await expect(sync()).rejects.toMatchObject({ code: 'SOURCE_CHECKSUM_MISMATCH', permanent: false, message: expect.stringMatching(/did not match the index's sha256 after 3 downloads/) as string });
    expect(emulator.fileRequests(broken)).toBe(3);
    expect(await noncash('91', '2025-07')).toBe(String(expectedCount(emulator, '2025-07', '91', 'noncash')));
    expect(await noncash('91', '2025-08')).toBeUndefined();
    emulator.faults = {};
    // The transient failure leaves the run to be retried: it resumes after the last committed month.
    const retried = await sync();
    expect(retried.status).toBe('succeeded');
    expect(retried.records_fetched).toBe(rowsExpected);
    expect(emulator.fileRequests(emulator.latest('2025-07').tep)).toBe(1);
    expect(emulator.fileRequests(broken)).toBe(4);
    expect(await noncash('91', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '91', 'noncash')));
  });

  it('a new phienBan replaces its month: corrected figures update, removed rows are withdrawn, with revisions and events', async () => {
    await sync();
    const before = emulator.latest('2025-09').figures;
    const mobile = before.find((f) => f.maTinh === '91' && f.kenh === 'Mobile Banking')?.soLuong ?? 0;
    const oldNoncash = await noncash('91', '2025-09');
    const oldCash40 = await cashCount('40', '2025-09');
    emulator.publishRevision('2025-09', {
      set: [{ maTinh: '91', kenh: 'Mobile Banking', soLuong: mobile + 1000 }],
      remove: [{ maTinh: '91', kenh: 'POS' }, { maTinh: '40', kenh: 'Rút tiền mặt tại ATM' }, { maTinh: '40', kenh: 'Rút tiền mặt tại quầy' }],
    });
    const run = await sync();
    expect(run.records_fetched).toBe(2 * 8 - 3);
    expect([run.observations_inserted, run.observations_updated, run.observations_removed]).toEqual([0, 1, 1]);
    const newNoncash = String(expectedCount(emulator, '2025-09', '91', 'noncash'));
    expect(newNoncash).not.toBe(oldNoncash);
    expect(await noncash('91', '2025-09')).toBe(newNoncash);
    expect(await cashCount('40', '2025-09')).toBeUndefined();
    const revisions = await t.db.selectFrom('observation_revision').select(['indicator_code', 'change', 'old_value', 'new_value']).where('sync_run_id', '=', run.id).orderBy('indicator_code').execute();
    expect(revisions).toEqual([
      { indicator_code: 'CASH_WITHDRAWAL_COUNT', change: 'remove', old_value: oldCash40, new_value: null },
      { indicator_code: 'NONCASH_TXN_COUNT', change: 'update', old_value: oldNoncash, new_value: newNoncash },
    ]);
    const events = (await readOutboxEvents(t.db, undefined, 100_000))
      .filter((e) => e.type.startsWith('vn.lgsp.observation.') && e.data.runId === run.id)
      .map((e) => ({ type: e.type, subject: e.subject }))
      .sort((a, b) => a.subject.localeCompare(b.subject));
    expect(events).toEqual([
      { type: 'vn.lgsp.observation.removed.v1', subject: 'CASH_WITHDRAWAL_COUNT/40/2025-09' },
      { type: 'vn.lgsp.observation.changed.v1', subject: 'NONCASH_TXN_COUNT/91/2025-09' },
    ]);
  });

  it('a file with a header in another shape is refused with its reason; the month keeps its earlier version', async () => {
    await sync();
    const kept = await noncash('40', '2025-10');
    const revised = emulator.publishRevision('2025-10', { header: ['Ma tinh', 'Ten tinh', 'Ky bao cao', 'Kenh', 'So luong', 'Gia tri'] });
    const run = await sync();
    expect(run.status).toBe('succeeded');
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).execute();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.code).toBe('HEADER_MISMATCH');
    expect(rejected[0]?.reason).toMatch(/the header row is "Ma tinh;Ten tinh;.*", not the contract's "Mã tỉnh;Tên tỉnh;Kỳ báo cáo;/);
    expect(rejected[0]?.location).toMatchObject({ file: revised.tep, line: 1 });
    expect(await noncash('40', '2025-10')).toBe(kept);
  });

  it('a wrong API key fails at once, permanently, without retries', async () => {
    env = { [keyVariable]: 'not-the-key' };
    await expect(sync()).rejects.toMatchObject({ code: 'SOURCE_AUTH_FAILED', permanent: true });
    expect(emulator.stats.forbidden).toBe(1);
    expect(emulator.stats.indexRequests).toBe(0);
  });

  it('a second sync with nothing new changes nothing', async () => {
    await sync();
    const before = { ...(await observationChecksum(t.db)), events: await tableCount(t.db, 'outbox_event'), raw: await tableCount(t.db, 'raw_record'), revisions: await tableCount(t.db, 'observation_revision') };
    const downloads = [...emulator.stats.fileRequests.values()].reduce((s, n) => s + n, 0);
    const incremental = await sync();
    expect(incremental.records_fetched).toBe(0);
    expect([...emulator.stats.fileRequests.values()].reduce((s, n) => s + n, 0)).toBe(downloads);
    const full = await sync('full_refresh');
    expect(full.records_fetched).toBe(rowsExpected);
    expect(full.records_unchanged).toBe(rowsExpected);
    expect([full.records_landed, full.observations_inserted, full.observations_updated, full.observations_removed]).toEqual([0, 0, 0, 0]);
    expect(await tableCount(t.db, 'outbox_event')).toBe(before.events + 2); // the two sync.completed events
    expect(await tableCount(t.db, 'raw_record')).toBe(before.raw);
    expect(await tableCount(t.db, 'observation_revision')).toBe(before.revisions);
    expect(await observationChecksum(t.db)).toEqual({ count: before.count, digest: before.digest });
  });

  it('check reaches the index with the key', async () => {
    const connection = await findConnection(t.db, 'nhnn-ag');
    if (!connection) throw new Error('fixture');
    const ctx = { connectionId: connection.id, config: configSchema.parse(connection.config), secrets: { api_key: emulator.apiKey }, logger, boundary: testBoundary() };
    await expect(paymentStats.check(ctx)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/25 files published, 24 months \(2024-01 to 2025-12\)/) as string });
  });
});
