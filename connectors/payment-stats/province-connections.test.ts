import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse, tableCount } from '../../test/support/warehouse-fixtures.js';
import { channels } from './contract.js';
import { configSchema, type PaymentStatsConfig } from './config.js';
import { PaymentStatsEmulator } from './emulator/server.js';
import paymentStats from './index.js';
import { expectedCount } from './test-support.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const keyVariable = 'LGSP_SECRET_PAYMENT_STATS_PROVINCE_TEST';
const registry = new ConnectorRegistry([paymentStats]);
/** 2024-01 … 2025-06 (18 months): legacy 89, 91 and 40; 2025-07 … 2025-12 (6): the merged 91 and 40. Eight channels. */
const anGiangRows = 18 * 2 * 8 + 6 * 8;
const ngheAnRows = 24 * 8;

describe('payment-stats: one connection per province, through the real engine', () => {
  let t: TestDatabase;
  let emulator: PaymentStatsEmulator;

  const sync = async (connectionId: string) => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: { [keyVariable]: emulator.apiKey } }, run.id, { signal: new AbortController().signal });
  };
  const noncash = (code: string, ky: string) => provinceValue(t.db, 'NONCASH_TXN_COUNT', code, ky, `${ky}-15`);
  const cashCount = (code: string, ky: string) => provinceValue(t.db, 'CASH_WITHDRAWAL_COUNT', code, ky, `${ky}-15`);
  const landedProvinces = async (connectionId: string) =>
    (await sql<{ code: string }>`select distinct payload->>'maTinh' as code from raw_record where connection_id = ${connectionId} order by 1`.execute(t.db)).rows.map((r) => r.code);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    emulator = new PaymentStatsEmulator({ from: '2024-01', to: '2025-12' });
    const baseUrl = await emulator.start();
    await resetWarehouse(t.db);
    for (const code of ['91', '40']) {
      await insertConnection(t.db, {
        id: `nhnn-${code}`,
        connectorId: 'payment-stats',
        name: `NHNN chi nhánh ${code}`,
        config: { baseUrl, provinces: [code], timeoutMs: 1000 } satisfies Partial<PaymentStatsConfig>,
        secretRefs: { api_key: { env: keyVariable } },
      });
    }
  });
  afterEach(async () => emulator.stop());

  it('refuses a legacy province in the config, naming the current one', () => {
    const parsed = configSchema.safeParse({ baseUrl: 'https://example.gov.vn/nhnn', provinces: ['89'] });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['provinces', 0], message: expect.stringMatching(/give 91/) as string });
    expect(configSchema.parse({ baseUrl: 'https://example.gov.vn/nhnn' }).provinces).toBeUndefined();
  });

  it('each connection loads exactly its province: An Giang with legacy 89 and 91 before the reform, nothing of Nghệ An', async () => {
    const ag = await sync('nhnn-91');
    expect(ag.status).toBe('succeeded');
    expect([ag.records_fetched, ag.records_rejected, ag.observations_inserted]).toEqual([anGiangRows, 0, anGiangRows / 4]);
    expect(await landedProvinces('nhnn-91')).toEqual(['89', '91']);
    expect(await noncash('89', '2025-03')).toBe(String(expectedCount(emulator, '2025-03', '89', 'noncash')));
    expect(await noncash('91', '2025-03')).toBe(String(expectedCount(emulator, '2025-03', '91', 'noncash'))); // Kiên Giang
    expect(await cashCount('91', '2025-08')).toBe(String(expectedCount(emulator, '2025-08', '91', 'cash'))); // the merged An Giang
    expect(await noncash('40', '2025-08')).toBeUndefined();

    const na = await sync('nhnn-40');
    expect([na.records_fetched, na.records_rejected, na.observations_inserted]).toEqual([ngheAnRows, 0, ngheAnRows / 4]);
    expect(await landedProvinces('nhnn-40')).toEqual(['40']);
    expect(await cashCount('40', '2024-02')).toBe(String(expectedCount(emulator, '2024-02', '40', 'cash')));
    // Together they hold each province-month once: two counts per province and month, 3 provinces then 2.
    expect(await tableCount(t.db, 'observation')).toBe(18 * 3 * 2 + 6 * 2 * 2);
  });

  it('a new version that drops every row of one province withdraws them in that province\'s connection only', async () => {
    await sync('nhnn-91');
    await sync('nhnn-40');
    const anGiangBefore = await noncash('91', '2025-09');
    const mobile = emulator.latest('2025-09').figures.find((f) => f.maTinh === '91' && f.kenh === 'Mobile Banking')?.soLuong ?? 0;
    emulator.publishRevision('2025-09', {
      set: [{ maTinh: '91', kenh: 'Mobile Banking', soLuong: mobile + 1000 }],
      remove: channels.map((kenh) => ({ maTinh: '40', kenh })),
    });

    // Nghệ An's page for the month is empty, yet carries the month in full: its two counts are withdrawn.
    const na = await sync('nhnn-40');
    expect([na.records_fetched, na.observations_updated, na.observations_removed]).toEqual([0, 0, 2]);
    expect(await noncash('40', '2025-09')).toBeUndefined();
    expect(await cashCount('40', '2025-09')).toBeUndefined();
    // ... and left An Giang's rows of the same month alone: they are not that connection's.
    expect(await noncash('91', '2025-09')).toBe(anGiangBefore);

    const ag = await sync('nhnn-91');
    expect([ag.records_fetched, ag.observations_updated, ag.observations_removed]).toEqual([8, 1, 0]);
    expect(await noncash('91', '2025-09')).toBe(String(expectedCount(emulator, '2025-09', '91', 'noncash')));
    const byRun = await t.db.selectFrom('observation_revision').select(['sync_run_id', 'change']).where('sync_run_id', 'in', [na.id, ag.id]).orderBy('id').execute();
    expect(byRun).toEqual([{ sync_run_id: na.id, change: 'remove' }, { sync_run_id: na.id, change: 'remove' }, { sync_run_id: ag.id, change: 'update' }]);
  });
});
