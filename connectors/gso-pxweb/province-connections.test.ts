import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import { configSchema } from './config.js';
import { legacyDigitalShare, legacyPopulation } from './emulator/dataset.js';
import { GsoPxwebEmulator } from './emulator/server.js';
import gsoPxweb from './index.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([gsoPxweb]);
const tables = [
  { table: 'V02.01.px', indicator: 'POPULATION' }, // legacy codes, 2020–2024
  { table: 'V02.01.2025.px', indicator: 'POPULATION' }, // current codes, 2025
  { table: 'V12.01.px', database: 'KinhTeSo', indicator: 'DIGITAL_ECONOMY_SHARE' }, // legacy codes, 2023–2024
];

describe('gso-pxweb: one connection per province, through the real engine', () => {
  let t: TestDatabase;
  let emulator: GsoPxwebEmulator;
  let baseUrl: string;

  const connect = async (id: string, provinces: readonly string[] | undefined, only = tables) => {
    const config = { baseUrl, database: 'DanSo', tables: only, years: { from: 2020, to: 2025 }, ...(provinces ? { provinces } : {}) };
    await insertConnection(t.db, { id, connectorId: 'gso-pxweb', name: `Tổng cục Thống kê ${id}`, config, secretRefs: {} });
  };
  const sync = async (connectionId: string) => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: {} }, run.id, { signal: new AbortController().signal });
  };
  /** The province codes each query of the emulator asked for, in order, then forgotten. */
  const askedProvinces = () => {
    const asked = emulator.stats.queries.map((q) => (q.body as { query: { code: string; selection: { values: string[] } }[] }).query.find((v) => v.code === 'Tỉnh, thành phố')?.selection.values);
    emulator.stats.queries.length = 0;
    return asked;
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

  it('asks each table for the connection\'s province only (An Giang: legacy 89 and 91 in older tables) and loads exactly that', async () => {
    await connect('gso-91', ['91']);
    await connect('gso-40', ['40']);
    const ag = await sync('gso-91');
    expect(askedProvinces()).toEqual([['89', '91'], ['91'], ['89', '91']]);
    // Population 2020–2024 of 89 and 91, 2025 of the merged 91; the digital-economy share of 89 and 91 in 2023–2024.
    expect([ag.status, ag.records_fetched, ag.records_rejected, ag.observations_inserted]).toEqual(['succeeded', 10 + 1 + 4, 0, 15]);
    expect(await provinceValue(t.db, 'POPULATION', '89', '2024', '2024-12-31')).toBe(String(legacyPopulation('89', 2024)));
    expect(await provinceValue(t.db, 'POPULATION', '91', '2021', '2021-12-31')).toBe(String(legacyPopulation('91', 2021)));
    expect(await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31')).toBe('4952238');
    expect(await provinceValue(t.db, 'DIGITAL_ECONOMY_SHARE', '91', '2024', '2024-12-31')).toBe(String(legacyDigitalShare('91', 2024)));
    expect(await provinceValue(t.db, 'POPULATION', '40', '2024', '2024-12-31')).toBeUndefined();

    const na = await sync('gso-40');
    expect(askedProvinces()).toEqual([['40'], ['40'], ['40']]);
    // 40's share for 2023 is published as "..": a record, no observation.
    expect([na.status, na.records_fetched, na.records_rejected, na.observations_inserted]).toEqual(['succeeded', 5 + 1 + 2, 0, 7]);
    expect(await provinceValue(t.db, 'POPULATION', '40', '2022', '2022-12-31')).toBe(String(legacyPopulation('40', 2022)));
    const count = await sql<{ n: number }>`select count(*)::int as n from observation`.execute(t.db);
    expect(count.rows[0]?.n).toBe(15 + 7);
  });

  it('without provinces, asks for every province a table lists, never the national total', async () => {
    expect(configSchema.safeParse({ baseUrl: 'https://pxweb.gso.gov.vn/pxweb', database: 'DanSo', tables, years: { from: 2020, to: 2025 }, provinces: ['93'] }).error?.issues[0]?.message).toMatch(/93 Tỉnh Hậu Giang is a legacy province, part of 92/);
    await connect('gso-all', undefined, tables.slice(0, 2));
    const run = await sync('gso-all');
    const [legacy, current] = askedProvinces();
    expect([legacy?.length, current?.length, legacy?.includes('00'), current?.includes('00')]).toEqual([63, 34, false, false]);
    expect([run.status, run.records_fetched, run.records_rejected, run.observations_inserted]).toEqual(['succeeded', 63 * 5 + 34, 0, 63 * 5 + 34]);
    expect(await provinceValue(t.db, 'POPULATION', '93', '2020', '2020-12-31')).toBe(String(legacyPopulation('93', 2020)));
  });
});
