import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/aggregation/index.js';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun, type SyncRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { indicatorValueChecksum, observationChecksum, provinceValue, tableCount } from '../../test/support/warehouse-fixtures.js';
import { configSchema } from './config.js';
import { DvcPortalEmulator } from './emulator/server.js';
import type { DossierRow } from './emulator/rows.js';
import { readOutboxEvents } from '../../src/events/outbox-events.js';
import { testBoundary } from '../../test/support/boundary.js';
import { dvcPortalAt } from '../../test/support/dvc-portal-at.js';

const logger = createLogger('silent');
const secretVar = 'LGSP_SECRET_DVC_PORTAL_TEST';
// The streams' clock fixed at the start: the month of the sync is known before it runs, even at a month's turn.
const { connector: dvcPortal, month: syncMonth } = dvcPortalAt(new Date());
const registry = new ConnectorRegistry([dvcPortal]);

/** Units of Nghệ An (legacy and current codes are the same province); every other emulator unit is (now) An Giang. */
const ngheAn = new Set(['40', '16666', '16681', '16972']);
const newRows = (r: DossierRow) => r.tiepNhan.trucTuyen + r.tiepNhan.trucTiep + r.tiepNhan.buuChinh;
const onTime = (r: DossierRow) => r.daGiaiQuyet.truocHan + r.daGiaiQuyet.dungHan;
const sum = (rows: readonly DossierRow[], f: (r: DossierRow) => number) => rows.reduce((s, r) => s + f(r), 0);
const rate = (num: number, den: number) => dec(num).times(100).dividedBy(den).toFixed();

/** A materialised value of the province with this code valid now (current codes). */
async function currentProvinceValue(t: TestDatabase, indicator: string, code: string, period: string): Promise<string | undefined> {
  const r = await sql<{ value: string }>`
    select iv.value::text as value from indicator_value iv join admin_unit u on u.id = iv.unit_id
    where iv.indicator_code = ${indicator} and u.code = ${code} and u.level = 'province' and u.valid_to is null and iv.period_code = ${period}`.execute(t.db);
  return r.rows[0]?.value;
}

async function communeValue(t: TestDatabase, indicator: string, code: string, period: string, asOf: string): Promise<string | undefined> {
  const r = await sql<{ value: string }>`
    select o.value::text as value from observation o join admin_unit u on u.id = o.unit_id
    where o.indicator_code = ${indicator} and u.code = ${code} and u.level = 'commune' and u.validity @> ${asOf}::date and o.period_code = ${period}`.execute(t.db);
  return r.rows[0]?.value;
}

describe('dvc-portal connector through the sync engine, against its emulator', () => {
  let t: TestDatabase;
  let portal: DvcPortalEmulator;
  let baseUrl: string;
  const sync = async (mode: 'incremental' | 'full_refresh' = 'incremental'): Promise<SyncRun> => {
    const { run } = await createRun(t.db, { connectionId: 'dvc-ag', mode });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary(), env: { [secretVar]: portal.clientSecret } }, run.id, { signal: new AbortController().signal });
  };
  const reset = async () => {
    await sql`truncate observation, observation_revision, outbox_event, observation_contribution, source_record, rejected_record, raw_record, sync_state, sync_run_stream, indicator_value, indicator_value_dirty, sync_run cascade`.execute(t.db);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    // Commune codes need the full reference (communes before and after the reform), not only the provinces.
    await loadReferenceData(t.db, { adminUnitsDir: process.env.LGSP_ADMIN_UNITS_DIR ?? '/work/shared/data/admin-units' });
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    portal = new DvcPortalEmulator();
    baseUrl = await portal.start();
    await reset();
    await sql`truncate connection cascade`.execute(t.db);
    await insertConnection(t.db, {
      id: 'dvc-ag',
      connectorId: 'dvc-portal',
      name: 'Cổng DVC An Giang (emulator)',
      // A short timeout so the "slow" fault is a timeout; several pages per stream so paging is exercised.
      config: { baseUrl, clientId: portal.clientId, pageSize: 50, timeoutMs: 1000 },
      secretRefs: { client_secret: { env: secretVar } },
    });
  });
  afterEach(async () => portal.stop());

  it('check: gets a token and one page', async () => {
    const ctx = { connectionId: 'dvc-ag', config: configSchema.parse({ baseUrl, clientId: portal.clientId }), secrets: { client_secret: portal.clientSecret }, logger, boundary: testBoundary() };
    expect(await dvcPortal.check(ctx)).toMatchObject({ ok: true });
    expect(await dvcPortal.check({ ...ctx, secrets: { client_secret: 'wrong' } })).toMatchObject({ ok: false, message: expect.stringMatching(/401|invalid_client|credentials/i) as string });
  });

  it('loads the report: unit-month sums, communes at commune level, An Giang 2025 rates across the reform', async () => {
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(0);
    const rows = portal.rows;

    // The province's own agencies (code 91) in August 2025: one observation, the sum of its rows.
    const ag08 = rows.filter((r) => r.kyBaoCao === '2025-08' && r.maDonViHanhChinh === '91');
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '91', '2025-08', '2025-08-31')).toBe(String(sum(ag08, newRows)));
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_RESOLVED_ON_TIME', '91', '2025-08', '2025-08-31')).toBe(String(sum(ag08, onTime)));
    // Carried-over dossiers are not new: the sum without them is what was stored.
    expect(sum(ag08, (r) => r.tiepNhan.kyTruocChuyenQua)).toBeGreaterThan(0);
    // 91 in March 2025 is legacy Kiên Giang.
    const kg03 = rows.filter((r) => r.kyBaoCao === '2025-03' && r.maDonViHanhChinh === '91');
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_ONLINE', '91', '2025-03', '2025-03-31')).toBe(String(sum(kg03, (r) => r.tiepNhan.trucTuyen)));
    // A commune stays a commune observation; the province's materialised month includes it.
    const rg08 = rows.filter((r) => r.kyBaoCao === '2025-08' && r.maDonViHanhChinh === '30742');
    expect(await communeValue(t, 'DVC_DOSSIERS_NEW', '30742', '2025-08', '2025-08-31')).toBe(String(sum(rg08, newRows)));
    const ag08All = rows.filter((r) => r.kyBaoCao === '2025-08' && !ngheAn.has(r.maDonViHanhChinh));
    expect(await currentProvinceValue(t, 'DVC_DOSSIERS_NEW', '91', '2025-08')).toBe(String(sum(ag08All, newRows)));

    // DVC_ONLINE_RATE of the merged An Giang for 2025: legacy 89 + legacy 91 (and their communes) Jan-Jun,
    // current 91 and its communes Jul-Dec, recomputed from the sums (never averaged).
    const ag2025 = rows.filter((r) => r.kyBaoCao.startsWith('2025-') && !ngheAn.has(r.maDonViHanhChinh));
    expect(ag2025.some((r) => r.maDonViHanhChinh === '89') && ag2025.some((r) => r.maDonViHanhChinh === '30283')).toBe(true);
    expect(await currentProvinceValue(t, 'DVC_ONLINE_RATE', '91', '2025')).toBe(rate(sum(ag2025, (r) => r.tiepNhan.trucTuyen), sum(ag2025, newRows)));
    const na = rows.filter((r) => r.kyBaoCao >= '2025-07' && r.kyBaoCao <= '2025-09' && ngheAn.has(r.maDonViHanhChinh));
    const resolved = (r: DossierRow) => onTime(r) + r.daGiaiQuyet.quaHan;
    expect(await currentProvinceValue(t, 'DVC_ON_TIME_RATE', '40', '2025-Q3')).toBe(rate(sum(na, onTime), sum(na, resolved)));

    // The same data again: nothing changes, no event beyond the sync's own.
    const before = { obs: await observationChecksum(t.db), events: await tableCount(t.db, 'outbox_event') };
    const again = await sync('full_refresh');
    expect([again.records_landed, again.observations_inserted, again.observations_updated]).toEqual([0, 0, 0]);
    expect(await observationChecksum(t.db)).toEqual(before.obs);
  });

  it('a revised row updates its observation with a revision and an event; the cursor fetches from the latest update', async () => {
    await sync();
    const row = portal.rows.find((r) => r.kyBaoCao === '2025-03' && r.maDonViHanhChinh === '40');
    if (!row) throw new Error('fixture: no 2025-03 row of 40');
    const old = await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31');
    portal.revise(row.id, { tiepNhan: { trucTiep: row.tiepNhan.trucTiep + 5 } });
    const calls = portal.stats.reportCalls;
    const run = await sync();
    expect(portal.stats.reportCalls - calls).toBe(1); // one small page: the rows at the cursor's time and the revision
    expect(run.records_landed).toBe(1);
    expect([run.observations_inserted, run.observations_updated, run.events_written]).toEqual([0, 1, 1]);
    const now = String(Number(old) + 5);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '40', '2025-03', '2025-03-31')).toBe(now);
    const revisions = await t.db.selectFrom('observation_revision').select(['change', 'old_value', 'new_value']).where('sync_run_id', '=', run.id).execute();
    expect(revisions).toEqual([{ change: 'update', old_value: old, new_value: now }]);
    const event = (await readOutboxEvents(t.db, undefined, 100_000)).filter((e) => e.type === 'vn.lgsp.observation.changed.v1').at(-1);
    expect(event?.subject).toBe('DVC_DOSSIERS_NEW/40/2025-03');
    expect(event?.data).toMatchObject({ value: now, previousValue: old, connectionId: 'dvc-ag', runId: run.id });
  });

  it('malformed rows are rejected with a reason naming the field; the good rows beside them load', async () => {
    portal.faults = { malformedRows: true };
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(portal.malformed.length);
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).execute();
    const byKey = new Map(rejected.map((r) => [(r.location as { key: string }).key, r]));
    for (const m of portal.malformed) expect([m.breaks, byKey.get(m.row.id)?.code]).toEqual([m.breaks, m.expectedCode]);
    const reasonOf = (breaks: string) => byKey.get(portal.malformed.find((m) => m.breaks === breaks)?.row.id ?? '')?.reason;
    expect(reasonOf('missing trucTiep')).toMatch(/tiepNhan\.trucTiep is missing/);
    expect(reasonOf('negative quaHan')).toMatch(/daGiaiQuyet\.quaHan is -4/);
    expect(reasonOf('text trucTuyen')).toMatch(/tiepNhan\.trucTuyen is "340", not a number/);
    expect(reasonOf('unknown unit')).toMatch(/code 99/);
    expect(reasonOf('legacy code after the reform')).toMatch(/89 is not valid on 2025-09-30/);
    expect(reasonOf('bad month')).toMatch(/kyBaoCao "2025-13"/);
    const good = portal.rows.filter((r) => r.kyBaoCao === '2025-09' && r.maDonViHanhChinh === '91');
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_NEW', '91', '2025-09', '2025-09-30')).toBe(String(sum(good, newRows)));
  });

  it('429, a 500/502/503 burst, a slow answer, a reset mid-body and an expiring token give the same warehouse as a clean run', async () => {
    await sync();
    const clean = { obs: await observationChecksum(t.db), values: await indicatorValueChecksum(t.db) };
    // Two faulty syncs from an empty warehouse: the faults of one set hit the same call in a row, so splitting
    // them keeps every call within the client's retries and the test short.
    const faultSets = [
      { tooManyRequests: { count: 1, retryAfterSeconds: 1 }, serverErrors: [500, 502, 503] },
      { expireTokensAfter: 3, slow: { count: 1, delayMs: 1500 }, resetMidBody: 1 },
    ];
    for (const faults of faultSets) {
      await reset();
      const before = { ...portal.stats };
      portal.faults = faults;
      const started = Date.now();
      const run = await sync();
      expect(run.status).toBe('succeeded');
      if ('tooManyRequests' in faults) {
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // Retry-After honoured
        expect(portal.stats.faultsServed - before.faultsServed).toBe(4);
      } else {
        expect(portal.stats.faultsServed - before.faultsServed).toBe(2); // revoked token, reset (the slow call timed out)
        expect(portal.stats.tokenRequests - before.tokenRequests).toBe(2); // one per sync, one after the revocation
      }
      expect(portal.faults).not.toHaveProperty('expireTokensAfter');
      expect(portal.faults).not.toMatchObject({ serverErrors: [expect.anything() as unknown] });
      expect({ obs: await observationChecksum(t.db), values: await indicatorValueChecksum(t.db) }).toEqual(clean);
    }
  });

  it('a row revised while the client pages moves to the end: seen twice, counted once with its new figures', async () => {
    // The first row of the first page (oldest update) moves once the client has read two report pages.
    const first = [...portal.rows].sort((a, b) => Date.parse(a.capNhatLuc) - Date.parse(b.capNhatLuc) || (a.id < b.id ? -1 : 1))[0];
    if (!first) throw new Error('fixture');
    portal.faults = { moveRowWhilePaging: { afterReportCalls: 2, id: first.id } };
    const run = await sync();
    expect(portal.stats.moved).toBe(1);
    const raw = await sql<{ n: number }>`select count(*)::int as n from raw_record where source_key = ${first.id}`.execute(t.db);
    expect(raw.rows[0]?.n).toBe(2); // both versions landed, the later one is current
    expect(run.records_fetched).toBeGreaterThan(portal.rows.length);
    const month = first.kyBaoCao;
    const asOf = `${month}-${String(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).getUTCDate())}`;
    const same = portal.rows.filter((r) => r.kyBaoCao === month && r.maDonViHanhChinh === first.maDonViHanhChinh);
    expect(await provinceValue(t.db, 'DVC_DOSSIERS_ONLINE', first.maDonViHanhChinh, month, asOf)).toBe(String(sum(same, (r) => r.tiepNhan.trucTuyen)));
    // Nothing was skipped by the shift: a clean full read of the same data changes nothing.
    const again = await sync('full_refresh');
    expect([again.records_landed, again.observations_inserted, again.observations_updated]).toEqual([0, 0, 0]);
  });

  it('the catalogue counts for the month of the sync; a procedure removed from it drops out on the next sync', async () => {
    const run = await sync();
    expect(run.status).toBe('succeeded');
    const month = syncMonth;
    const asOf = `${month}-01`;
    const inForce = portal.catalogue.filter((p) => p.hieuLuc && p.maDonViHanhChinh === '91');
    const full = inForce.filter((p) => p.mucDo === 'TOAN_TRINH');
    expect(portal.catalogue.some((p) => !p.hieuLuc)).toBe(true);
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '91', month, asOf)).toBe(String(inForce.length));
    expect(await provinceValue(t.db, 'DVC_PROCEDURES_FULL_ONLINE', '91', month, asOf)).toBe(String(full.length));
    expect(await currentProvinceValue(t, 'DVC_FULL_ONLINE_SHARE', '91', month)).toBe(rate(full.length, inForce.length));
    const na = portal.catalogue.filter((p) => p.hieuLuc && p.maDonViHanhChinh === '40');
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '40', month, asOf)).toBe(String(na.length));

    const gone = full[full.length - 1];
    if (!gone) throw new Error('fixture: no full-online procedure');
    portal.removeProcedure('91', gone.maThuTuc);
    const next = await sync();
    expect(next.observations_updated).toBe(2 + 0); // DVC_PROCEDURES and DVC_PROCEDURES_FULL_ONLINE of 91
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '91', month, asOf)).toBe(String(inForce.length - 1));
    expect(await provinceValue(t.db, 'DVC_PROCEDURES_FULL_ONLINE', '91', month, asOf)).toBe(String(full.length - 1));
    expect(await provinceValue(t.db, 'DVC_PROCEDURES', '40', month, asOf)).toBe(String(na.length));
  });
});
