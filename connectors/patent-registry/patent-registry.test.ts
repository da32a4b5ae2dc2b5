import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue } from '../../test/support/warehouse-fixtures.js';
import patentRegistry from './index.js';
import { firstVietnamese } from './emulator/application.js';
import { PatentRegistryEmulator, type PatentRegistryEmulatorOptions } from './emulator/emulator.js';
import { malformedCases, unresolvableAddress } from './emulator/malformed.js';
import { expectedAnGiangArea, expectedApplications, expectedGrants, expectedTotalApplications, growth } from './testing/expected.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([patentRegistry]);
/** 240 applications + 6 malformed, 100 a page: 3 pages a full sync, well inside 5 requests per second. */
const data: PatentRegistryEmulatorOptions = { seed: 57, count: 240, malformed: true };
const legacyAnGiang = { code: '89', version: 'legacy' } as const;
const kienGiang = { code: '91', version: 'legacy' } as const;
const anGiang = { code: '91', version: 'current' } as const;

describe('patent-registry through the engine, against the emulated IP Vietnam registry', () => {
  let t: TestDatabase;
  let emulator: PatentRegistryEmulator;

  const connect = async (options: PatentRegistryEmulatorOptions, config: Record<string, unknown> = {}) => {
    emulator = new PatentRegistryEmulator(options);
    const baseUrl = await emulator.start();
    await insertConnection(t.db, { id: 'ipvn', connectorId: 'patent-registry', name: 'IP Vietnam', config: { baseUrl, pageSize: 100, timeoutMs: 1500, ...config }, secretRefs: {} });
  };
  const sync = async (mode: 'incremental' | 'full_refresh' = 'incremental') => {
    const { run } = await createRun(t.db, { connectionId: 'ipvn', mode });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary() }, run.id, { signal: new AbortController().signal });
  };
  const value = (indicator: string, code: string, year: string, asOf: string) => provinceValue(t.db, indicator, code, year, asOf);
  /**
   * Every observation, ordered. Not observationChecksum: it orders by unit code, and the legacy Kiên Giang (91) and
   * the current An Giang (91) both hold 2025 applications, so its digest depends on row order.
   */
  const warehouse = async () =>
    (
      await sql<{ row: string }>`
        select o.indicator_code || '|' || u.code || '|' || coalesce(u.valid_from::text, '') || '|' || o.period_code || '|' || o.value::text || '|' || o.status as row
        from observation o join admin_unit u on u.id = o.unit_id order by 1`.execute(t.db)
    ).rows.map((r) => r.row);
  const reset = () =>
    sql`truncate observation, observation_revision, outbox_event, observation_contribution, source_record, rejected_record, raw_record, sync_state, sync_run_stream, indicator_value, indicator_value_dirty, sync_run, connection cascade`.execute(t.db);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(reset);
  afterEach(async () => emulator.stop());

  it('counts applications by filing year for the province named as of the filing date, legacy and current An Giang', async () => {
    await connect(data);
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_fetched).toBe(emulator.applications.length);
    const apps = emulator.applications;
    const ag2024 = expectedApplications(apps, legacyAnGiang, '2024');
    const ag2026 = expectedApplications(apps, anGiang, '2026');
    expect(ag2024).toBeGreaterThan(0);
    expect(ag2026).toBeGreaterThan(0);
    expect(await value('PATENT_APPLICATIONS', '89', '2024', '2024-12-31')).toBe(String(ag2024));
    expect(await value('PATENT_APPLICATIONS', '91', '2024', '2024-12-31')).toBe(String(expectedApplications(apps, kienGiang, '2024')));
    expect(await value('PATENT_APPLICATIONS', '91', '2026', '2026-12-31')).toBe(String(ag2026));
    expect(await value('PATENT_GRANTS', '89', '2025', '2025-06-30')).toBe(String(expectedGrants(apps, legacyAnGiang, '2025')));
    // Foreign-only applications count nowhere: the observations add up to the applications with a Vietnamese applicant.
    const total = await sql<{ n: string }>`select sum(value)::text as n from observation where indicator_code = 'PATENT_APPLICATIONS'`.execute(t.db);
    expect(total.rows[0]?.n).toBe(String(expectedTotalApplications(apps)));
    const foreignOnly = apps.filter((a) => a.number !== undefined && firstVietnamese(a) === undefined).map((a) => a.number ?? '');
    expect(foreignOnly.length).toBeGreaterThan(0);
    const contributions = await t.db.selectFrom('observation_contribution').select('source_key').where('source_key', 'in', foreignOnly).execute();
    const rejectedForeign = await t.db.selectFrom('rejected_record').select('id').where(sql<boolean>`location->>'key' in (${sql.join(foreignOnly)})`).execute();
    expect([contributions.length, rejectedForeign.length]).toEqual([0, 0]);
  });

  it('PATENT_APPLICATIONS_GROWTH of the current An Giang for 2025 compares with legacy 89 + 91 in 2024', async () => {
    await connect(data);
    await sync();
    const apps = emulator.applications;
    // 2025: legacy 89 and 91 before July plus the current 91 after; 2024: legacy 89 + legacy 91 (Kiên Giang).
    const y2025 = expectedApplications(apps, legacyAnGiang, '2025') + expectedApplications(apps, kienGiang, '2025') + expectedApplications(apps, anGiang, '2025');
    const y2024 = expectedApplications(apps, legacyAnGiang, '2024') + expectedApplications(apps, kienGiang, '2024');
    expect([y2025, y2024]).toEqual([expectedAnGiangArea(apps, '2025'), expectedAnGiangArea(apps, '2024')]);
    const stored = await sql<{ value: string }>`
      select iv.value::text as value from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = 'PATENT_APPLICATIONS_GROWTH' and u.code = '91' and u.valid_from = '2025-07-01' and iv.period_code = '2025'`.execute(t.db);
    expect(stored.rows[0]?.value).toBe(growth(y2025, y2024).toFixed());
  });

  it('rejects malformed applications with their reasons; an address naming no province is rejected by the engine with the address', async () => {
    await connect(data);
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(6);
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).execute();
    const byKey = new Map(rejected.map((r) => [(r.location as { key: string }).key, r]));
    expect(byKey.get(malformedCases.missingFilingDate)).toMatchObject({ code: 'MISSING_FIELD', reason: expect.stringMatching(/FilingDate is missing/) as string });
    expect(byKey.get(malformedCases.impossibleFilingDate)).toMatchObject({ code: 'DATE_INVALID', reason: expect.stringMatching(/"2024-02-30" is not a date/) as string });
    expect(byKey.get(malformedCases.grantedWithoutGrant)).toMatchObject({ code: 'MISSING_FIELD', reason: expect.stringMatching(/GRANTED but Grant\/Date is missing/) as string });
    expect(byKey.get(`invalid-number:${malformedCases.badNumber}`)).toMatchObject({ code: 'APPLICATION_NUMBER_INVALID' });
    expect([...byKey.keys()].filter((k) => k.startsWith('no-number:'))).toHaveLength(1);
    const unresolved = byKey.get(malformedCases.addressNamesNoProvince);
    expect(unresolved?.code).toBe('UNIT_NOT_FOUND');
    expect(unresolved?.reason).toContain(`"${unresolvableAddress}" on 2024-04-02`);
    expect(unresolved?.location).toMatchObject({ stream: 'applications', page: expect.any(Number) as number, index: expect.any(Number) as number });
  });

  it('a grant after a status change counts in the grant year; the next incremental sync fetches only what changed', async () => {
    await connect(data);
    await sync();
    const target = emulator.applications.find((a) => a.status === 'PUBLISHED' && firstVietnamese(a)?.area === 'NGHE_AN' && (a.filingDate ?? '') < '2025-01-01');
    if (!target?.number) throw new Error('fixture: no published Nghệ An application');
    const before = expectedGrants(emulator.applications, { code: '40', version: 'current' }, '2026');
    expect(await value('PATENT_GRANTS', '40', '2026', '2026-12-31')).toBe(before === 0 ? undefined : String(before));
    const cursorInstant = Math.max(...emulator.applications.map((a) => a.lastModified));
    const atCursor = emulator.applications.filter((a) => a.lastModified === cursorInstant).length;
    emulator.advance({ days: 12, grant: [target.number] }); // granted on 2026-07-12
    expect(target.grant?.date).toBe('2026-07-12');
    const run = await sync();
    // The application just granted, and those last modified at the cursor's instant again (unchanged).
    expect([run.records_fetched, run.records_landed, run.records_unchanged]).toEqual([1 + atCursor, 1, atCursor]);
    expect(await value('PATENT_GRANTS', '40', '2026', '2026-12-31')).toBe(String(before + 1));
    expect(expectedGrants(emulator.applications, { code: '40', version: 'current' }, '2026')).toBe(before + 1);
    // Filed before the grant: still one application in its filing year.
    const filingYear = (target.filingDate ?? '').slice(0, 4);
    expect(await value('PATENT_APPLICATIONS', '40', filingYear, `${filingYear}-12-31`)).toBe(String(expectedApplications(emulator.applications, { code: '40', version: 'legacy' }, filingYear)));
  });

  it('survives 429 with Retry-After, 500/502/503, a slow answer, a reset mid-body and a record modified while paging, served with a namespace prefix: same warehouse as a clean run', async () => {
    await connect(data);
    await sync();
    const clean = await warehouse();
    await emulator.stop();
    await reset();
    await connect(
      { ...data, prefix: 'ip', faults: { every: 2, tooManyRequests: { count: 1, retryAfterSeconds: 1 }, serverErrors: [500, 502, 503], slow: { count: 1, delayMs: 2500 }, resetMidBody: 1, modifyDuringPaging: { afterPage: 0 } } },
      { pageSize: 40 },
    );
    const started = Date.now();
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // Retry-After honoured
    expect(emulator.stats.faultsInjected).toBe(6); // 429, 500, 502, 503, slow, reset
    // The application modified after page 0 came again on a later page: fetched twice, counted once.
    expect(emulator.stats.modifiedDuringPaging).toHaveLength(1);
    expect(run.records_fetched).toBe(emulator.applications.length + 1);
    const moved = emulator.stats.modifiedDuringPaging[0] ?? '';
    const contributions = await t.db.selectFrom('observation_contribution').select(['indicator_code']).where('source_key', '=', moved).execute();
    expect(contributions.filter((c) => c.indicator_code === 'PATENT_APPLICATIONS').length).toBe(firstVietnamese(emulator.find(moved)) ? 1 : 0);
    expect(await warehouse()).toEqual(clean);
  });

  it('a client faster than the source\'s limit gets its own 429s, waits the Retry-After and loads the same data', async () => {
    await connect(data);
    await sync();
    const clean = await warehouse();
    await emulator.stop();
    await reset();
    // A source allowing one request at a time, two a second: a client asking for 40 a second meets its 429s however
    // slow the machine (the next page is fetched while the current one is written).
    await connect({ ...data, rateLimit: { requestsPerSecond: 2, burst: 1 } }, { pageSize: 25, requestsPerSecond: 40 });
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(emulator.stats.rateLimited).toBeGreaterThan(0);
    expect(await warehouse()).toEqual(clean);
  });
});
