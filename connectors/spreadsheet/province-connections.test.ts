import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import spreadsheet from './index.js';
import type { TemplateRow } from './template/write-template.js';
import { departmentWorkbook } from './test-support.js';
import { testBoundary } from '../../test/support/boundary.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([spreadsheet]);
const file = 'so-lieu-2025.xlsx';

/** One workbook for both provinces (rows 3.. of the sheet: a title row and the header come first). */
const rows: readonly TemplateRow[] = [
  ['RD_PERSONNEL', '91', '2025', '1.850', 'Sơ bộ'], // 3: An Giang
  ['RD_PERSONNEL', '40', '2025', '2.100', 'Sơ bộ'], // 4: Nghệ An
  ['HDI', 89, '2024', '0,712', 'Chính thức'], // 5: legacy An Giang
  ['HDI', '91', '2024', '0,695', 'Chính thức'], // 6: legacy Kiên Giang, now An Giang
  ['PII_RANK', 'Tỉnh Nghệ An', '2024', 12, 'Chính thức'], // 7: Nghệ An by name
  ['PII_RANK', 'Tỉnh An Giang', '2025', 27, 'Chính thức'], // 8: An Giang by name
  ['POPULATION', '30292', '2025', 125_000, 'Chính thức'], // 9: a ward of An Giang (no communes loaded: rejected there)
  ['POPULATION', 'VN', '2025', 101_300_000, 'Ước tính'], // 10: the country: no province's
  ['POPULATION', 79, '2025', 14_000_000, 'Ước tính'], // 11: Hồ Chí Minh City: neither's
];

describe('spreadsheet: one connection per province reading one inbox, through the real engine', () => {
  let t: TestDatabase;
  /** The host's inbox root (LGSP_INBOX_ROOT) and the inbox under it both connections read. */
  let root: string;
  let inbox: string;

  const sync = async (connectionId: string) => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: testBoundary({ LGSP_INBOX_ROOT: root }) }, run.id, { signal: new AbortController().signal });
  };
  const landedRows = async (connectionId: string) =>
    (await sql<{ row: number }>`select (payload->>'row')::int as row from raw_record where connection_id = ${connectionId} order by 1`.execute(t.db)).rows.map((r) => r.row);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lgsp-inbox-root-'));
    inbox = join(root, 'so-khcn');
    await mkdir(inbox);
    await resetWarehouse(t.db);
    for (const code of ['91', '40']) {
      await insertConnection(t.db, { id: `so-khcn-${code}`, connectorId: 'spreadsheet', name: `Sở KH&CN ${code}`, config: { inbox: 'so-khcn', provinces: [code] }, secretRefs: {} });
    }
    return () => rm(root, { recursive: true, force: true });
  });

  it('each connection loads its province\'s rows (legacy codes, names, communes); national and other provinces\' rows neither', async () => {
    await writeFile(join(inbox, file), await departmentWorkbook(rows));
    const ag = await sync('so-khcn-91');
    expect(ag.status).toBe('succeeded');
    expect(await landedRows('so-khcn-91')).toEqual([3, 5, 6, 8, 9]);
    expect([ag.records_rejected, ag.observations_inserted]).toEqual([1, 4]);
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '91', '2025', '2025-12-31')).toBe('1850');
    expect(await provinceValue(t.db, 'HDI', '89', '2024', '2024-12-31')).toBe('0.712');
    expect(await provinceValue(t.db, 'HDI', '91', '2024', '2024-12-31')).toBe('0.695');
    expect(await provinceValue(t.db, 'PII_RANK', '91', '2025', '2025-12-31')).toBe('27');

    const na = await sync('so-khcn-40');
    expect(await landedRows('so-khcn-40')).toEqual([4, 7]);
    expect([na.status, na.records_rejected, na.observations_inserted]).toEqual(['succeeded', 0, 2]);
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '40', '2025', '2025-12-31')).toBe('2100');
    expect(await provinceValue(t.db, 'PII_RANK', '40', '2024', '2024-12-31')).toBe('12');
    expect(await provinceValue(t.db, 'POPULATION', '79', '2025', '2025-12-31')).toBeUndefined();
    const national = await sql<{ n: number }>`select count(*)::int as n from observation o join admin_unit u on u.id = o.unit_id where u.level = 'country'`.execute(t.db);
    expect(national.rows[0]?.n).toBe(0);
  });

  it('a corrected re-upload withdraws a removed row in its own province\'s connection only', async () => {
    await writeFile(join(inbox, file), await departmentWorkbook(rows));
    await sync('so-khcn-91');
    await sync('so-khcn-40');
    // Nghệ An's R&D row is gone from the new upload; An Giang's HDI 2024 of legacy An Giang is corrected.
    const corrected = rows.filter((r) => r[0] !== 'RD_PERSONNEL' || r[1] !== '40').map((r): TemplateRow => (r[0] === 'HDI' && r[1] === 89 ? ['HDI', 89, '2024', '0,714', 'Chính thức'] : r));
    await writeFile(join(inbox, file), await departmentWorkbook(corrected));
    const na = await sync('so-khcn-40');
    expect([na.observations_updated, na.observations_removed]).toEqual([0, 1]);
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '40', '2025', '2025-12-31')).toBeUndefined();
    expect(await provinceValue(t.db, 'HDI', '89', '2024', '2024-12-31')).toBe('0.712'); // not Nghệ An's to change
    const ag = await sync('so-khcn-91');
    expect([ag.observations_updated, ag.observations_removed]).toEqual([1, 0]);
    expect(await provinceValue(t.db, 'HDI', '89', '2024', '2024-12-31')).toBe('0.714');
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '91', '2025', '2025-12-31')).toBe('1850');
  });
});
