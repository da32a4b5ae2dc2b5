import { mkdir, mkdtemp, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/aggregation/index.js';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun, type SyncRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import spreadsheet from './index.js';
import type { TemplateRow } from './template/write-template.js';
import { departmentWorkbook } from './test-support.js';
import { readOutboxEvents } from '../../src/events/outbox-events.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([spreadsheet]);
const file = 'so-khcn-2025.xlsx';

/** Good rows first (rows 3..13 of the sheet: a title row and the header come first), then the bad ones. */
const goodRows: readonly TemplateRow[] = [
  ['RD_PERSONNEL', 91, 2025, '1.850', 'Sơ bộ', 'Sở KH&CN'], // 3
  ['POPULATION', '91', '2025', 4952238, 'Chinh thuc', 'Cục Thống kê'], // 4
  ['RD_PERSONNEL', 40, '2025', { formula: '1000+1100', result: 2100 }, 'uoc tinh', 'Sở KH&CN Nghệ An'], // 5
  ['POPULATION', '40', '2025', '3.470.988', 'chính thức', 'Cục Thống kê'], // 6
  ['HDI', 89, '2024', '0,712', 'Chính thức', 'UNDP'], // 7: legacy An Giang
  ['HDI', '91', 2024, 0.695, 'SƠ BỘ'.normalize('NFD'), 'UNDP'], // 8: legacy Kiên Giang
  ['PII_RANK', 'Tỉnh An Giang', '2024', 25, 'Chính thức', 'Bộ KH&CN'], // 9: a name, as of 2024: legacy 89
  ['PII_RANK', 40, '2025', 12, null, 'Bộ KH&CN'], // 10: no status: final
  ['RD_PERSONNEL', 89, '2024', '1.234,5', 'Chính thức', 'Sở KH&CN'], // 11
  ['pii_rank', 1, '2024-q4', 3, 'Ước tính', 'Bộ KH&CN'], // 12: 1 typed for 01 (Hà Nội)
  ['HDI', 89, '2025-Q2', 0.72, 'Sơ bộ', 'UNDP'], // 13: a legacy code in 2025, before the reform
];
const badRows: readonly TemplateRow[] = [
  ['RD_STAFF', 91, '2025', 5, 'Chính thức'], // 14
  ['HDI', 40, '2024-13', 0.7, 'Chính thức'], // 15
  ['SMART_CITIES', 91, '2025', 'mười', 'Chính thức'], // 16
  ['HDI', 99, '2024', 0.7, 'Chính thức'], // 17
  ['HDI', 40, '2024', 0.7, 'Tạm tính'], // 18
  ['POPULATION', '91', '2025', 4952000, 'Chính thức'], // 19: row 4 again
];

describe('spreadsheet connector through the real engine', () => {
  let t: TestDatabase;
  /** The host's inbox root (LGSP_INBOX_ROOT) and the connection's inbox under it. */
  let root: string;
  let inbox: string;
  const boundary = () => testBoundary({ LGSP_INBOX_ROOT: root });

  const sync = async (): Promise<SyncRun> => {
    const { run } = await createRun(t.db, { connectionId: 'so-khcn', mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: boundary() }, run.id, { signal: new AbortController().signal });
  };
  const upload = async (name: string, rows: readonly TemplateRow[]) => {
    await writeFile(join(inbox, name), await departmentWorkbook(rows, { trailingEmptyRows: 3 }));
    return sync();
  };
  const observation = async (indicator: string, code: string, period: string, asOf: string) => {
    const r = await sql<{ value: string; status: string }>`
      select o.value::text as value, o.status from observation o join admin_unit u on u.id = o.unit_id
      where o.indicator_code = ${indicator} and u.code = ${code} and u.level = 'province' and u.validity @> ${asOf}::date and o.period_code = ${period}`.execute(t.db);
    return r.rows[0];
  };
  const rejections = (runId: number) =>
    t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).where('sync_run_id', '=', runId).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lgsp-inbox-root-'));
    inbox = join(root, 'so-khcn');
    await mkdir(inbox);
    await resetWarehouse(t.db);
    await insertConnection(t.db, { id: 'so-khcn', connectorId: 'spreadsheet', name: 'Sở KH&CN An Giang', config: { inbox: 'so-khcn' }, secretRefs: {} });
    return () => rm(root, { recursive: true, force: true });
  });

  it('loads the good rows with exact values and statuses, and rejects each bad row with its row number and reason', async () => {
    const run = await upload(file, [...goodRows, ...badRows]);
    expect(run.status).toBe('succeeded');
    expect(run.records_fetched).toBe(goodRows.length + badRows.length);
    expect(run.records_rejected).toBe(badRows.length);
    expect(run.observations_inserted).toBe(goodRows.length);

    expect(await observation('RD_PERSONNEL', '91', '2025', '2025-12-31')).toEqual({ value: '1850', status: 'provisional' });
    expect(await observation('POPULATION', '91', '2025', '2025-12-31')).toEqual({ value: '4952238', status: 'final' });
    expect(await observation('RD_PERSONNEL', '40', '2025', '2025-12-31')).toEqual({ value: '2100', status: 'estimated' });
    expect(await observation('POPULATION', '40', '2025', '2025-12-31')).toEqual({ value: '3470988', status: 'final' });
    expect(await observation('HDI', '89', '2024', '2024-12-31')).toEqual({ value: '0.712', status: 'final' });
    expect(await observation('HDI', '91', '2024', '2024-12-31')).toEqual({ value: '0.695', status: 'provisional' });
    expect(await observation('PII_RANK', '89', '2024', '2024-12-31')).toEqual({ value: '25', status: 'final' });
    expect(await observation('PII_RANK', '40', '2025', '2025-12-31')).toEqual({ value: '12', status: 'final' });
    expect(await observation('RD_PERSONNEL', '89', '2024', '2024-12-31')).toEqual({ value: '1234.5', status: 'final' });
    expect(await observation('PII_RANK', '01', '2024-Q4', '2024-12-31')).toEqual({ value: '3', status: 'estimated' });
    expect(await observation('HDI', '89', '2025-Q2', '2025-06-30')).toEqual({ value: '0.72', status: 'provisional' });

    const rejected = await rejections(run.id);
    expect(rejected.map((r) => [r.code, (r.location as { row: number }).row])).toEqual([
      ['UNKNOWN_INDICATOR', 14], ['PERIOD_INVALID', 15], ['VALUE_NOT_A_NUMBER', 16], ['UNIT_NOT_FOUND', 17], ['STATUS_INVALID', 18], ['DUPLICATE_ROW', 19],
    ]);
    expect(rejected[0]?.reason).toMatch(/indicator RD_STAFF is not in the catalogue/);
    expect(rejected[1]?.reason).toMatch(/^row 15: Kỳ "2024-13" is not a period/);
    expect(rejected[2]?.reason).toMatch(/^row 16: Giá trị: "mười" is not a number/);
    expect(rejected[4]?.reason).toMatch(/^row 18: Trạng thái "Tạm tính" is not one of Chính thức, Sơ bộ, Ước tính/);
    expect(rejected[5]?.reason).toMatch(/^row 19: row 4 already gives this indicator, unit and period/);
    expect(rejected[0]?.location).toEqual({ stream: 'workbooks', key: 'RD_STAFF|91|2025', file, row: 14 });
  });

  it('a unit written once as a code and once as a name is one unit: the later row is rejected naming both rows, never added twice', async () => {
    const rows: readonly TemplateRow[] = [
      ['RD_PERSONNEL', 91, '2025', 1850, 'Sơ bộ'], // 3
      ['PII_RANK', 'Tỉnh An Giang', '2024', 25, 'Chính thức'], // 4: legacy 89 in 2024
      ['HDI', 'TP.HCM', '2024', '0,79', 'Chính thức'], // 5: an alias of 79
      ['RD_PERSONNEL', '  tinh an giang ', '2025', 1900, 'Sơ bộ'], // 6: row 3 again, as a name (91 since 2025-07)
      ['PII_RANK', 89, '2024', 26, 'Chính thức'], // 7: row 4 again, as a code
      ['HDI', 'Thành phố Hồ Chí Minh', 2024, 0.8, 'Chính thức'], // 8: row 5 again, by its official name
      ['PII_RANK', 'Tỉnh An Giang', '2025', 20, 'Chính thức'], // 9: another period: 91, not a duplicate
      ['PII_RANK', 'Tỉnh Kiên Giang', '2024', 30, 'Chính thức'], // 10: legacy 91 in 2024, another unit than row 4
    ];
    const run = await upload(file, rows);
    expect([run.records_fetched, run.records_rejected, run.observations_inserted]).toEqual([8, 3, 5]);
    expect(await observation('RD_PERSONNEL', '91', '2025', '2025-12-31')).toEqual({ value: '1850', status: 'provisional' });
    expect(await observation('PII_RANK', '89', '2024', '2024-12-31')).toEqual({ value: '25', status: 'final' });
    expect(await observation('HDI', '79', '2024', '2024-12-31')).toEqual({ value: '0.79', status: 'final' });
    expect(await observation('PII_RANK', '91', '2025', '2025-12-31')).toEqual({ value: '20', status: 'final' });
    expect(await observation('PII_RANK', '91', '2024', '2024-12-31')).toEqual({ value: '30', status: 'final' });
    const rejected = await rejections(run.id);
    expect(rejected.map((r) => [r.code, (r.location as { row: number }).row])).toEqual([['DUPLICATE_ROW', 6], ['DUPLICATE_ROW', 7], ['DUPLICATE_ROW', 8]]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'row 6: row 3 already gives this indicator, unit and period (its unit "91" and this row\'s "tinh an giang" are both province 91 on 2025-12-31); keep one of them (the first is loaded)',
      'row 7: row 4 already gives this indicator, unit and period (its unit "Tỉnh An Giang" and this row\'s "89" are both province 89 on 2024-12-31); keep one of them (the first is loaded)',
      'row 8: row 5 already gives this indicator, unit and period (its unit "TP.HCM" and this row\'s "Thành phố Hồ Chí Minh" are both province 79 on 2024-12-31); keep one of them (the first is loaded)',
    ]);
    // One record per figure, whatever the spelling: a later upload of the figure by code replaces the one by name.
    const later = await upload('so-khcn-2025-bo-sung.xlsx', [['PII_RANK', '89', '2024', 24, 'Chính thức']]);
    expect([later.records_rejected, later.observations_inserted, later.observations_updated]).toEqual([0, 0, 1]);
    expect(await observation('PII_RANK', '89', '2024', '2024-12-31')).toEqual({ value: '24', status: 'final' });
  });

  it('derives RD_PERSONNEL_PER_10K of the current An Giang (91) for 2025 from the uploaded figures', async () => {
    const run = await upload(file, goodRows);
    const stored = await sql<{ value: string; sync_run_id: number }>`
      select iv.value::text as value, iv.sync_run_id from indicator_value iv join admin_unit u on u.id = iv.unit_id
      where iv.indicator_code = 'RD_PERSONNEL_PER_10K' and u.code = '91' and u.valid_from = '2025-07-01' and iv.period_code = '2025'`.execute(t.db);
    expect(stored.rows[0]?.value).toBe(dec(1850).times(10000).dividedBy(4952238).toFixed());
    expect(stored.rows[0]?.sync_run_id).toBe(run.id);
  });

  it('a corrected re-upload under the same name replaces the figures: changed ones update, removed rows are withdrawn', async () => {
    await upload(file, goodRows);
    const corrected = goodRows.filter((r) => !(r[0] === 'HDI' && (r[2] === '2024' || r[2] === 2024))).map((r): TemplateRow => (r[0] === 'RD_PERSONNEL' && r[1] === 91 ? ['RD_PERSONNEL', '91', '2025', 1900, 'Chính thức'] : r));
    const run = await upload(file, corrected);
    expect(run.status).toBe('succeeded');
    expect(run.records_rejected).toBe(0);
    expect(run.observations_updated).toBe(1);
    expect(run.observations_removed).toBe(2);
    expect(await observation('RD_PERSONNEL', '91', '2025', '2025-12-31')).toEqual({ value: '1900', status: 'final' });
    expect(await observation('HDI', '89', '2024', '2024-12-31')).toBeUndefined();
    expect(await observation('HDI', '91', '2024', '2024-12-31')).toBeUndefined();
    expect(await observation('PII_RANK', '89', '2024', '2024-12-31')).toEqual({ value: '25', status: 'final' });
    const events = (await readOutboxEvents(t.db, undefined, 100_000)).filter((e) => e.type === 'vn.lgsp.observation.removed.v1');
    expect(events).toHaveLength(2);
    expect(events.map((e) => JSON.stringify(e.data))).toEqual([expect.stringMatching(/HDI/), expect.stringMatching(/HDI/)]);
    // The same bytes again (a workbook written anew differs in its timestamps): nothing to read.
    await writeFile(join(inbox, file), await readFile(join(inbox, file)));
    const again = await sync();
    expect(again.records_fetched).toBe(0);
  });

  it('a workbook without the template header is refused as a whole and keeps the earlier upload; removing a workbook withdraws it', async () => {
    await upload(file, goodRows);
    const before = await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31');
    await writeFile(join(inbox, file), await departmentWorkbook([]).then(() => Buffer.from('not a workbook')));
    const refused = await sync();
    expect(refused.records_rejected).toBe(1);
    expect((await rejections(refused.id))[0]).toMatchObject({ code: 'FILE_UNREADABLE', location: { file, row: 1 } });
    expect(await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31')).toBe(before);
    await unlink(join(inbox, file));
    const removed = await sync();
    expect(removed.observations_removed).toBe(goodRows.length);
    expect(await provinceValue(t.db, 'POPULATION', '91', '2025', '2025-12-31')).toBeUndefined();
  });

  it('check: the inbox folder exists and is readable', async () => {
    const ctx = (folder: string) => ({ connectionId: 'so-khcn', config: { inbox: folder }, secrets: {}, logger, boundary: boundary() });
    await writeFile(join(inbox, file), await departmentWorkbook(goodRows));
    expect(await spreadsheet.check(ctx('so-khcn'))).toEqual({ ok: true, message: `the inbox ${await realpath(inbox)} is readable: 1 workbook(s)` });
    expect(await spreadsheet.check(ctx('so-khcn/missing'))).toMatchObject({ ok: false, message: expect.stringMatching(/cannot be read \(ENOENT\)/) as string });
  });
});
