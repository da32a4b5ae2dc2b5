import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregateByCode, dec } from '../../src/aggregation/index.js';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, observationChecksum, provinceValue, resetWarehouse, tableCount } from '../../test/support/warehouse-fixtures.js';
import { configSchema, type GsoPxwebConfig, type TableConfig } from './config.js';
import { emulatedTables, legacyDigitalShare, legacyGrdp, legacyPopulation, type EmulatedTable } from './emulator/dataset.js';
import { GsoPxwebEmulator } from './emulator/server.js';
import gsoPxweb from './index.js';
import { cellUnit } from './normalise.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([gsoPxweb]);
type TableInput = Omit<TableConfig, 'multiplier'> & { multiplier?: number };

const population: TableInput[] = [
  { table: 'V02.01.px', indicator: 'POPULATION' },
  { table: 'V02.01.2025.px', indicator: 'POPULATION' },
];
const digital: TableInput = { table: 'V12.01.px', database: 'KinhTeSo', indicator: 'DIGITAL_ECONOMY_SHARE' };
const grdp: TableInput = { table: 'V03.05.px', database: 'TaiKhoanQuocGia', indicator: 'GRDP', contentFilter: { dimension: 'Chỉ tiêu', value: 'Giá hiện hành' } };
/** Legacy table: 89, 91, 40 × 2020–2024; current table: 91, 40 × 2025; digital economy: 89, 91, 40 × 2023–2024. */
const recordsExpected = 15 + 2 + 6;
/** 40's digital-economy share for 2023 is published as "..": a record, no observation. */
const observationsExpected = recordsExpected - 1;

describe('gso-pxweb connector through the real engine', () => {
  let t: TestDatabase;
  let emulator: GsoPxwebEmulator;
  let baseUrl: string;

  const connect = async (tables: readonly TableInput[], extra: Partial<GsoPxwebConfig> = {}) => {
    const config = { baseUrl, database: 'DanSo', tables, provinces: ['91', '40'], years: { from: 2020, to: 2025 }, timeoutMs: 1000, retry: { retries: 8, baseDelayMs: 50, maxDelayMs: 2000 }, ...extra };
    await insertConnection(t.db, { id: 'gso', connectorId: 'gso-pxweb', name: 'Tổng cục Thống kê', config, secretRefs: {} });
    return config;
  };
  const sync = async (mode: 'incremental' | 'full_refresh' = 'incremental') => {
    const { run } = await createRun(t.db, { connectionId: 'gso', mode });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: {} }, run.id, { signal: new AbortController().signal });
  };
  const statusOf = async (indicator: string, code: string, period: string, asOf: string) => {
    const r = await sql<{ status: string }>`select o.status from observation o join admin_unit u on u.id = o.unit_id
      where o.indicator_code = ${indicator} and u.code = ${code} and u.validity @> ${asOf}::date and o.period_code = ${period}`.execute(t.db);
    return r.rows[0]?.status;
  };
  const mergedAnGiang = async (indicator: string) => {
    const r = await sql<{ value: string }>`select iv.value::text as value from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = ${indicator} and u.code = '91' and u.valid_from = '2025-07-01' and iv.period_code = '2024'`.execute(t.db);
    return r.rows[0]?.value;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    emulator = new GsoPxwebEmulator();
    baseUrl = await emulator.start();
    await resetWarehouse(t.db);
  });
  afterEach(async () => emulator.stop());

  it('loads exact populations through 429, a 5xx burst, a slow answer and a reset query, legacy codes from the older table', async () => {
    await connect([...population, digital]);
    emulator.faults = { tooManyRequests: { count: 1, retryAfterSeconds: 1 }, serverErrors: [500, 502, 503], slow: { count: 1, delayMs: 1500 }, resetMidBody: 1 };
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect([run.records_fetched, run.records_rejected, run.observations_inserted]).toEqual([recordsExpected, 0, observationsExpected]);
    // Before the reform 89 is An Giang and 91 Kiên Giang; the table lists the 63 legacy provinces.
    expect(await provinceValue(t.db, 'POPULATION', '89', '2024', '2024-12-31')).toBe(String(legacyPopulation('89', 2024)));
    expect(await provinceValue(t.db, 'POPULATION', '91', '2022', '2022-12-31')).toBe(String(legacyPopulation('91', 2022)));
    expect(await provinceValue(t.db, 'POPULATION', '40', '2020', '2020-12-31')).toBe(String(legacyPopulation('40', 2020)));
    expect(legacyPopulation('89', 2024)).toBeGreaterThan(1_800_000);
    // From 2025 the current codes: 91 is the merged An Giang.
    expect(await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31')).toBe('4952238');
    // The latest year of each table is flagged provisional.
    expect(await statusOf('POPULATION', '89', '2024', '2024-12-31')).toBe('provisional');
    expect(await statusOf('POPULATION', '89', '2023', '2023-12-31')).toBe('final');
    expect(await statusOf('POPULATION', '91', '2025', '2025-12-31')).toBe('provisional');
    const legacyQuery = emulator.stats.queries.find((q) => q.table === 'V02.01.px')?.body;
    expect(legacyQuery).toEqual({
      query: [{ code: 'Tỉnh, thành phố', selection: { filter: 'item', values: ['40', '89', '91'] } }, { code: 'Năm', selection: { filter: 'item', values: ['2020', '2021', '2022', '2023', '2024'] } }],
      response: { format: 'json-stat2' },
    });
    expect(await statusOf('DIGITAL_ECONOMY_SHARE', '40', '2023', '2023-12-31')).toBeUndefined();
  });

  it('DIGITAL_ECONOMY_SHARE of the merged An Giang (91) for 2024 is the unweighted baseline 6.11 when GRDP is not loaded', async () => {
    await connect([digital]);
    expect((await sync()).status).toBe('succeeded');
    expect(dec((await mergedAnGiang('DIGITAL_ECONOMY_SHARE')) ?? 'NaN').toFixed()).toBe('6.11');
    const computed = await aggregateByCode(t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitCode: '91', level: 'province', period: '2024', asOf: '2025-07-01' });
    expect(computed.value?.toFixed()).toBe('6.11');
  });

  it('with the GRDP table synced too, the share of the merged An Giang is weighted by GRDP', async () => {
    await connect([grdp, digital]);
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(await provinceValue(t.db, 'GRDP', '89', '2024', '2024-12-31')).toBe(String(legacyGrdp('89', 2024)));
    expect(emulator.stats.queries.find((q) => q.table === 'V03.05.px')?.body).toMatchObject({ query: [{}, {}, { code: 'Chỉ tiêu', selection: { values: ['1'] } }] });
    const [g89, g91] = [dec(legacyGrdp('89', 2024)), dec(legacyGrdp('91', 2024))];
    const weighted = dec(legacyDigitalShare('89', 2024) ?? 0).times(g89).plus(dec(legacyDigitalShare('91', 2024) ?? 0).times(g91)).dividedBy(g89.plus(g91));
    const computed = await aggregateByCode(t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitCode: '91', level: 'province', period: '2024', asOf: '2025-07-01' });
    expect(computed.value?.toFixed()).toBe(weighted.toFixed());
    expect(computed.value?.toFixed()).not.toBe('6.11');
    expect(dec((await mergedAnGiang('DIGITAL_ECONOMY_SHARE')) ?? 'NaN').toFixed(10)).toBe(weighted.toFixed(10));
  });

  it('reads sparse values, array indexes and Vietnamese flags alike; text in a number is rejected with its reason', async () => {
    await connect([...population, digital]);
    emulator.shape = { valueForm: 'sparse', indexForm: 'array', statusForm: 'labels', malformed: [{ table: 'V02.01.px', province: '40', year: 2022, text: 'ba triệu rưỡi' }] };
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect([run.records_fetched, run.records_rejected, run.observations_inserted]).toEqual([recordsExpected, 1, observationsExpected - 1]);
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).execute();
    expect(rejected).toEqual([{ code: 'NOT_A_NUMBER', reason: 'V02.01.px, province 40, 2022: "ba triệu rưỡi" is text, not a number', location: expect.objectContaining({ key: 'V02.01.px|40|2022', table: 'V02.01.px' }) as unknown }]);
    expect(await provinceValue(t.db, 'POPULATION', '91', '2024', '2024-12-31')).toBe(String(legacyPopulation('91', 2024)));
    expect(await statusOf('POPULATION', '91', '2024', '2024-12-31')).toBe('provisional');
    expect(await provinceValue(t.db, 'DIGITAL_ECONOMY_SHARE', '91', '2024', '2024-12-31')).toBe('6.23');
  });

  it('a 2025 estimate under legacy codes (published before the reform) adds up in the merged province', async () => {
    await emulator.stop();
    const legacy = emulatedTables().find((x) => x.table === 'V02.01.px');
    if (!legacy) throw new Error('fixture');
    const estimate: EmulatedTable = { ...legacy, table: 'V02.01E.px', years: [2025], figure: (code, year) => (code === '00' ? null : legacyPopulation(code, year + 1) + 1000), flag: () => 'e' };
    emulator = new GsoPxwebEmulator([estimate]);
    baseUrl = await emulator.start();
    await connect([{ table: 'V02.01E.px', indicator: 'POPULATION' }]);
    const run = await sync();
    expect([run.status, run.records_fetched, run.records_rejected]).toEqual(['succeeded', 3, 0]);
    const expected = (estimate.figure('89', 2025) ?? 0) + (estimate.figure('91', 2025) ?? 0);
    expect(await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31')).toBe(String(expected));
    expect(await statusOf('POPULATION', '91', '2025', '2025-12-31')).toBe('estimated');
    expect(cellUnit('89', 2025, 'legacy')).toEqual({ code: '89', level: 'province', asOf: '2025-12-31', writtenOn: '2025-06-30' });
    expect(cellUnit('89', 2024, 'legacy')).toEqual({ code: '89', level: 'province', asOf: '2024-12-31' });
    expect(cellUnit('91', 2024, 'current')).toEqual({ code: '91', level: 'province', asOf: '2024-12-31', writtenOn: '2025-07-01' });
  });

  it('a second sync re-reads the tables and changes nothing', async () => {
    await connect([...population, digital]);
    await sync();
    const before = { ...(await observationChecksum(t.db)), raw: await tableCount(t.db, 'raw_record'), revisions: await tableCount(t.db, 'observation_revision') };
    const again = await sync();
    expect([again.records_fetched, again.records_unchanged, again.records_landed, again.observations_inserted, again.observations_updated]).toEqual([recordsExpected, recordsExpected, 0, 0, 0]);
    expect(await observationChecksum(t.db)).toEqual({ count: before.count, digest: before.digest });
    expect([await tableCount(t.db, 'raw_record'), await tableCount(t.db, 'observation_revision')]).toEqual([before.raw, before.revisions]);
    const cursor = await t.db.selectFrom('sync_state').select('cursor').executeTakeFirst();
    expect(cursor?.cursor).toEqual({ 'V02.01.px': ['2020', '2021', '2022', '2023', '2024'], 'V02.01.2025.px': ['2025'], 'KinhTeSo/V12.01.px': ['2023', '2024'] });
  });

  it('check reads the metadata of every configured table', async () => {
    const config = configSchema.parse(await connect([...population, grdp]));
    await expect(gsoPxweb.check({ connectionId: 'gso', config, secrets: {}, logger, boundary: testBoundary() })).resolves.toEqual({
      ok: true,
      message: `reached ${baseUrl}: V02.01.px (legacy codes, 3 provinces, 5 years); V02.01.2025.px (current codes, 2 provinces, 1 years); V03.05.px (legacy codes, 3 provinces, 5 years)`,
    });
    expect(emulator.stats.metadataRequests).toBe(3);
  });
});
