import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { runToJson } from '../../src/operations/runs.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { testBoundary } from '../../test/support/boundary.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue } from '../../test/support/warehouse-fixtures.js';
import { PatentRegistryEmulator } from './emulator/emulator.js';
import { lateLegacyCases } from './emulator/late-legacy.js';
import patentRegistry from './index.js';
import { expectedApplications } from './testing/expected.js';

/**
 * Issue 16, end to end: filings after 2025-07-01 whose address still names Kiên Giang ("TP Rạch Giá - Kiên Giang",
 * filed 2025-09-10) load into its successor, the current An Giang (91), flagged as resolved through succession in
 * provenance and counted on the run. The emulator's 80 generated filings write post-reform addresses with current
 * names, so the three late legacy ones are the only successions: 2 filed in 2025, 1 in 2026.
 */
const anGiang = { code: '91', version: 'current' } as const;

describe('patent-registry: post-reform filings naming a merged-away province', () => {
  let t: TestDatabase;
  let emulator: PatentRegistryEmulator;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    emulator = new PatentRegistryEmulator({ seed: 57, count: 80, lateLegacyAddresses: true, rateLimit: null });
    const baseUrl = await emulator.start();
    await insertConnection(t.db, { id: 'ipvn', connectorId: 'patent-registry', name: 'IP Vietnam', config: { baseUrl, pageSize: 100, timeoutMs: 1500 }, secretRefs: {} });
  });
  afterAll(async () => {
    await emulator.stop();
    await t.drop();
  });

  it('loads them into An Giang (91), flags the observations and counts them on the run', async () => {
    const { run: queued } = await createRun(t.db, { connectionId: 'ipvn', mode: 'incremental' });
    const run = await executeRun(
      { db: t.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([patentRegistry]), boundary: testBoundary() },
      queued.id,
      { signal: new AbortController().signal },
    );
    expect(run.status).toBe('succeeded');
    expect(run.records_fetched).toBe(83);
    expect(run.records_rejected).toBe(0);
    // Exactly the three late filings were resolved through succession: one contribution each.
    expect(run.units_via_succession).toBe(3);
    // As GET /v1/runs and `lgsp runs show --json` serve it.
    expect(runToJson(run).counts).toMatchObject({ records_fetched: 83, units_via_succession: 3 });
    const flagged = await t.db.selectFrom('observation_contribution').select('source_key').where('via_succession', '=', true).orderBy('source_key').execute();
    expect(flagged.map((c) => c.source_key)).toEqual(lateLegacyCases.map((c) => c.number).sort());

    // By hand: the generated filings of the current An Giang's area in each year, plus the late ones (2 in 2025, 1 in 2026).
    const generated = emulator.applications.filter((a) => !lateLegacyCases.some((c) => c.number === a.number));
    const base2025 = expectedApplications(generated, anGiang, '2025');
    const base2026 = expectedApplications(generated, anGiang, '2026');
    expect([base2025, base2026]).toEqual([5, 4]); // seed 57, 80 filings: fixed by the seed
    expect(await provinceValue(t.db, 'PATENT_APPLICATIONS', '91', '2025', '2025-12-31')).toBe('7'); // 5 + 2
    expect(await provinceValue(t.db, 'PATENT_APPLICATIONS', '91', '2026', '2026-12-31')).toBe('5'); // 4 + 1
    // The same by the emulator's own expectation (each late filing carries its area, Kiên Giang → 91 after the reform).
    expect(expectedApplications(emulator.applications, anGiang, '2025')).toBe(base2025 + 2);

    // Provenance: the observations those filings went into say so; the province's other observations do not.
    const observations = await sql<{ period: string; via: boolean }>`
      select o.period_code as period, o.units_via_succession as via from observation o join admin_unit u on u.id = o.unit_id
      where o.indicator_code = 'PATENT_APPLICATIONS' and u.code = '91' and u.valid_from is not null order by 1`.execute(t.db);
    expect(observations.rows).toEqual([{ period: '2025', via: true }, { period: '2026', via: true }]);
    const others = await sql<{ n: number }>`select count(*)::int as n from observation where units_via_succession and indicator_code <> 'PATENT_APPLICATIONS'`.execute(t.db);
    expect(others.rows[0]?.n).toBe(0);
  });
});
