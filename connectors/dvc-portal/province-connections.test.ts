import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import type { DossierRow } from './emulator/rows.js';
import { DvcPortalEmulator } from './emulator/server.js';
import { testBoundary } from '../../test/support/boundary.js';
import { dvcPortalAt } from '../../test/support/dvc-portal-at.js';

const logger = createLogger('silent');
const secretVar = 'LGSP_SECRET_DVC_PORTAL_PROVINCE_TEST';
// The streams' clock fixed at the start: the month of the sync is known before it runs, even at a month's turn.
const { connector: dvcPortal, month: syncMonth } = dvcPortalAt(new Date());
const registry = new ConnectorRegistry([dvcPortal]);

/** Units of Nghệ An in the emulator's data (legacy and current codes); every other unit is, or became, An Giang (91). */
const ngheAn = new Set(['40', '16666', '16681', '16972']);
const newDossiers = (r: DossierRow) => r.tiepNhan.trucTuyen + r.tiepNhan.trucTiep + r.tiepNhan.buuChinh;
const sum = (rows: readonly DossierRow[], f: (r: DossierRow) => number) => rows.reduce((s, r) => s + f(r), 0);

describe('dvc-portal: one connection per province, through the real engine', () => {
  let t: TestDatabase;
  let portal: DvcPortalEmulator;

  const sync = async (connectionId: string) => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: { [secretVar]: portal.clientSecret } }, run.id, { signal: new AbortController().signal });
  };
  const landedKeys = async (connectionId: string, stream: string) =>
    (await sql<{ n: number }>`select count(distinct source_key)::int as n from raw_record where connection_id = ${connectionId} and stream = ${stream}`.execute(t.db)).rows[0]?.n;
  const communeValue = async (indicator: string, code: string, period: string, asOf: string) =>
    (await sql<{ value: string }>`select o.value::text as value from observation o join admin_unit u on u.id = o.unit_id
      where o.indicator_code = ${indicator} and u.code = ${code} and u.level = 'commune' and u.validity @> ${asOf}::date and o.period_code = ${period}`.execute(t.db)).rows[0]?.value;
  const rejectionCodes = async (runId: number) =>
    (await t.db.selectFrom('rejected_record').select('code').where('sync_run_id', '=', runId).orderBy('code').execute()).map((r) => r.code);

  beforeAll(async () => {
    t = await createTestDatabase();
    // Commune codes need the full reference (communes before and after the reform).
    await loadReferenceData(t.db, { adminUnitsDir: process.env.LGSP_ADMIN_UNITS_DIR ?? '/work/shared/data/admin-units' });
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    portal = new DvcPortalEmulator();
    const baseUrl = await portal.start();
    await resetWarehouse(t.db);
    for (const code of ['91', '40']) {
      await insertConnection(t.db, {
        id: `dvc-${code}`,
        connectorId: 'dvc-portal',
        name: `Cổng DVC ${code} (emulator)`,
        config: { baseUrl, clientId: portal.clientId, pageSize: 50, provinces: [code] },
        secretRefs: { client_secret: { env: secretVar } },
      });
    }
  });
  afterEach(async () => portal.stop());

  it('each connection loads exactly its province: legacy units and communes included, procedures of its own', async () => {
    portal.faults = { malformedRows: true };
    const anGiangRows = portal.rows.filter((r) => !ngheAn.has(r.maDonViHanhChinh));
    const ngheAnRows = portal.rows.filter((r) => ngheAn.has(r.maDonViHanhChinh));
    const month = syncMonth;
    const inForce = (unit: string) => portal.catalogue.filter((p) => p.maDonViHanhChinh === unit && p.hieuLuc).length;

    const ag = await sync('dvc-91');
    expect(ag.status).toBe('succeeded');
    // The malformed rows are copies of An Giang's 2025-09 row: all An Giang's, but the one naming unit 99, which
    // no connection can place: it is kept, and rejected, by each.
    expect(await landedKeys('dvc-91', 'dossier-report')).toBe(anGiangRows.length + portal.malformed.length);
    expect(await landedKeys('dvc-91', 'procedure-catalogue')).toBe(portal.catalogue.filter((p) => p.maDonViHanhChinh === '91').length);
    expect(await rejectionCodes(ag.id)).toEqual(portal.malformed.map((m) => m.expectedCode).sort());
    const rows = (month: string, code: string) => anGiangRows.filter((r) => r.kyBaoCao === month && r.maDonViHanhChinh === code);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '89', '2025-03', '2025-03-31')).toBe(String(sum(rows('2025-03', '89'), newDossiers)));
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '91', '2025-03', '2025-03-31')).toBe(String(sum(rows('2025-03', '91'), newDossiers))); // Kiên Giang
    expect(await communeValue('DVC_DOSSIERS_NEW', '30742', '2025-08', '2025-08-31')).toBe(String(sum(rows('2025-08', '30742'), newDossiers)));
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '91', month, `${month}-01`)).toBe(String(inForce('91')));
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-08', '2025-08-31')).toBeUndefined();
    expect(await communeValue('DVC_DOSSIERS_NEW', '16681', '2025-08', '2025-08-31')).toBeUndefined();

    const na = await sync('dvc-40');
    expect(na.status).toBe('succeeded');
    expect(await landedKeys('dvc-40', 'dossier-report')).toBe(ngheAnRows.length + 1);
    expect(await rejectionCodes(na.id)).toEqual(['UNIT_NOT_FOUND']);
    const na08 = ngheAnRows.filter((r) => r.kyBaoCao === '2025-08' && r.maDonViHanhChinh === '40');
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-08', '2025-08-31')).toBe(String(sum(na08, newDossiers)));
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '40', month, `${month}-01`)).toBe(String(inForce('40')));
    // Nghệ An's catalogue declared the month complete for its own items only: An Giang's count stands.
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '91', month, `${month}-01`)).toBe(String(inForce('91')));
    // Between them, every row counted once.
    const total = await sql<{ n: string }>`select sum(value)::text as n from observation where indicator_code = 'DVC_DOSSIERS_NEW'`.execute(t.db);
    expect(total.rows[0]?.n).toBe(String(sum(portal.rows, newDossiers)));
  });
});
