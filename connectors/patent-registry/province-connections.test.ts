import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import { firstVietnamese } from './emulator/application.js';
import { PatentRegistryEmulator } from './emulator/emulator.js';
import { malformedCases } from './emulator/malformed.js';
import type { Area } from './emulator/places.js';
import patentRegistry from './index.js';
import { expectedApplications, expectedGrants } from './testing/expected.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([patentRegistry]);
const anGiangAreas: readonly Area[] = ['AN_GIANG', 'KIEN_GIANG'];

describe('patent-registry: one connection per province, through the real engine', () => {
  let t: TestDatabase;
  let emulator: PatentRegistryEmulator;

  const sync = async (connectionId: string) => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary() }, run.id, { signal: new AbortController().signal });
  };
  const landed = async (connectionId: string) =>
    (await t.db.selectFrom('raw_record').select('source_key').where('connection_id', '=', connectionId).execute()).map((r) => r.source_key);
  const rejectedKeys = async (runId: number) =>
    (await sql<{ key: string }>`select r.source_key as key from rejected_record j join raw_record r on r.id = j.raw_record_id where j.sync_run_id = ${runId} order by 1`.execute(t.db)).rows.map((r) => r.key);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    emulator = new PatentRegistryEmulator({ seed: 57, count: 240, malformed: true, rateLimit: null });
    const baseUrl = await emulator.start();
    await resetWarehouse(t.db);
    for (const code of ['91', '40']) {
      await insertConnection(t.db, { id: `ipvn-${code}`, connectorId: 'patent-registry', name: `IP Vietnam (${code})`, config: { baseUrl, pageSize: 100, provinces: [code] }, secretRefs: {} });
    }
  });
  afterEach(async () => emulator.stop());

  it('each connection loads the applications its province\'s addresses name, legacy names included; foreign-only ones go nowhere', async () => {
    const apps = emulator.applications;
    const ofAreas = (areas: readonly Area[]) =>
      apps.flatMap((a) => {
        const area = firstVietnamese(a)?.area;
        return a.number !== undefined && area !== undefined && areas.includes(area) ? [a.number] : [];
      });
    const ag = await sync('ipvn-91');
    expect(ag.status).toBe('succeeded');
    // Every malformed record names An Giang, but the one whose address names no province: kept (and rejected) by each.
    const malformed = Object.values(malformedCases);
    const rejected = await rejectedKeys(ag.id);
    expect(rejected).toHaveLength(malformed.length + 1); // and the one without any ApplicationNumber
    expect((await landed('ipvn-91')).sort()).toEqual([...ofAreas(anGiangAreas), ...rejected].sort());
    expect(await provinceValue(t.db, 'PATENT_APPLICATIONS', '89', '2024', '2024-12-31')).toBe(String(expectedApplications(apps, { code: '89', version: 'legacy' }, '2024')));
    expect(await provinceValue(t.db, 'PATENT_APPLICATIONS', '91', '2024', '2024-12-31')).toBe(String(expectedApplications(apps, { code: '91', version: 'legacy' }, '2024')));
    expect(await provinceValue(t.db, 'PATENT_GRANTS', '91', '2026', '2026-06-30')).toBe(String(expectedGrants(apps, { code: '91', version: 'current' }, '2026')));
    for (const code of ['40', '79', '92', '01']) expect(await provinceValue(t.db, 'PATENT_APPLICATIONS', code, '2024', '2024-12-31')).toBeUndefined();

    const na = await sync('ipvn-40');
    expect(na.status).toBe('succeeded');
    expect(await rejectedKeys(na.id)).toEqual([malformedCases.addressNamesNoProvince]);
    expect((await landed('ipvn-40')).sort()).toEqual([...ofAreas(['NGHE_AN']), malformedCases.addressNamesNoProvince].sort());
    const ngheAn2025 = expectedApplications(apps, { code: '40', version: 'legacy' }, '2025') + expectedApplications(apps, { code: '40', version: 'current' }, '2025');
    const stored = await sql<{ n: string }>`select sum(o.value)::text as n from observation o join admin_unit u on u.id = o.unit_id
      where o.indicator_code = 'PATENT_APPLICATIONS' and u.code = '40' and o.period_code = '2025'`.execute(t.db);
    expect(stored.rows[0]?.n).toBe(String(ngheAn2025));
    // Between them: An Giang's and Nghệ An's applications, each once; none of the other provinces'.
    const total = await sql<{ n: string }>`select sum(value)::text as n from observation where indicator_code = 'PATENT_APPLICATIONS'`.execute(t.db);
    expect(total.rows[0]?.n).toBe(String(ofAreas([...anGiangAreas, 'NGHE_AN']).length));
  });
});
