import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentWorkbook } from '../connectors/spreadsheet/test-support.js';
import { templateBytes } from '../connectors/spreadsheet/template/write-template.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { runCli, type CliResult } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { entryOf, writeZip, zeroEntry } from './support/zip-writer.js';

describe('lgsp upload', () => {
  let t: TestDatabase;
  let dir: string;
  /** The host's inbox root (LGSP_INBOX_ROOT): `lgsp upload` creates it and the inboxes under it. */
  let root: string;
  let env: Record<string, string>;
  let upload: (args: string[]) => Promise<CliResult>;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    dir = await mkdtemp(join(tmpdir(), 'lgsp-upload-'));
    root = join(dir, 'inboxes');
    await insertConnection(t.db, { id: 'so-khcn', connectorId: 'spreadsheet', name: 'Sở KH&CN', config: { inbox: 'so-khcn' }, secretRefs: {} });
    await insertConnection(t.db, { id: 'nhnn', connectorId: 'payment-stats', name: 'NHNN', config: { baseUrl: 'http://127.0.0.1:9' }, secretRefs: {} });
    env = { DATABASE_URL: t.url, LGSP_INBOX_ROOT: root };
    upload = (args) => runCli(['upload', ...args], env);
  });
  afterAll(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a workbook right away and reports the rejected rows with their numbers (exit 3); the corrected one replaces it (exit 0)', async () => {
    const path = join(dir, 'so-khcn-2025.xlsx');
    await writeFile(path, await departmentWorkbook([
      ['RD_PERSONNEL', 91, 2025, '1.850', 'Sơ bộ'],
      ['POPULATION', '91', '2025', 4952238, 'Chinh thuc'],
      ['HDI', 40, '2024-13', 0.7, 'Chính thức'],
      ['SMART_CITIES', 91, '2025', 'mười', 'Chính thức'],
    ]));
    const first = await upload(['so-khcn', path]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(3);
    expect(first.stdout).toMatch(/so-khcn-2025\.xlsx: 2 row\(s\) loaded, 2 rejected \(run \d+\); observations 2 inserted, 0 updated, 0 removed/);
    expect(first.stdout).toMatch(/so-khcn-2025\.xlsx\s+5\s+PERIOD_INVALID\s+row 5: Kỳ "2024-13" is not a period/);
    expect(first.stdout).toMatch(/so-khcn-2025\.xlsx\s+6\s+VALUE_NOT_A_NUMBER\s+row 6: Giá trị: "mười" is not a number/);
    expect(await readdir(join(root, 'so-khcn'))).toEqual(['so-khcn-2025.xlsx']);

    await writeFile(path, await templateBytes([['RD_PERSONNEL', '91', '2025', 1900, 'Chính thức']]));
    const corrected = await upload(['so-khcn', path, '--json']);
    expect(corrected.code).toBe(0);
    const report = JSON.parse(corrected.stdout) as { status: string; rowsLoaded: number; rowsRejected: number; counts: Record<string, number>; rejected: unknown[] };
    expect(report).toMatchObject({ status: 'succeeded', rowsLoaded: 1, rowsRejected: 0, rejected: [] });
    expect(report.counts).toMatchObject({ observations_updated: 1, observations_removed: 1 });
    const population = await t.db.selectFrom('observation').select('value').where('indicator_code', '=', 'POPULATION').execute();
    expect(population).toEqual([]);
  });

  it('says which rows a province\'s connection left to other provinces\' connections, so an upload to the wrong one is not silent', async () => {
    await insertConnection(t.db, { id: 'so-khcn-91', connectorId: 'spreadsheet', name: 'Sở KH&CN An Giang', config: { inbox: 'so-khcn-91', provinces: ['91'] }, secretRefs: {} });
    const path = join(dir, 'hai-tinh.xlsx');
    await writeFile(path, await departmentWorkbook([
      ['RD_PERSONNEL', 91, 2025, 1850, 'Chính thức'],
      ['RD_PERSONNEL', 40, 2025, 2100, 'Chính thức'],
      ['HDI', 'Nghệ An', 2024, 0.71, 'Chính thức'],
      ['HDI', 'Việt Nam', 2024, 0.766, 'Chính thức'],
    ]));
    const text = await upload(['so-khcn-91', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/hai-tinh\.xlsx: 1 row\(s\) loaded, 0 rejected/);
    expect(text.stdout).toContain('3 row(s) not for this connection, which loads province 91 only (40: 2 rows, 1 national row): left to the connections of their provinces');

    // The same bytes again: nothing new, and still the rows it leaves to others.
    const again = await upload(['so-khcn-91', path]);
    expect(again.stdout).toContain('hai-tinh.xlsx: the inbox already had these exact bytes');
    expect(again.stdout).toContain('3 row(s) not for this connection');
    const json = JSON.parse((await upload(['so-khcn-91', path, '--json'])).stdout) as { rowsLeftOut: unknown };
    expect(json.rowsLeftOut).toEqual({ covered: ['91'], byProvince: { 40: 2 }, national: 1 });
    // A connection of every province leaves nothing out, and says nothing of it.
    expect((await upload(['so-khcn', path])).stdout).not.toContain('not for this connection');
  });

  it('a missing file, a file that is not .xlsx and a connection of another connector exit 2', async () => {
    const missing = await upload(['so-khcn', join(dir, 'nope.xlsx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error \[UPLOAD_FILE_NOT_FOUND\]: cannot read .*nope\.xlsx \(ENOENT\)/);
    const csv = join(dir, 'so-lieu.csv');
    await writeFile(csv, 'a;b\n');
    expect((await upload(['so-khcn', csv])).stderr).toMatch(/error \[UPLOAD_NOT_XLSX\]/);
    const other = await upload(['nhnn', join(dir, 'so-khcn-2025.xlsx')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/error \[UPLOAD_NOT_A_SPREADSHEET_CONNECTION\]: connection nhnn uses connector payment-stats/);
  });

  it('writes only under the inbox root: an inbox outside it (absolute, "..", a link out) exits 2 and nothing is written', async () => {
    const path = join(dir, 'so-khcn-2025.xlsx');
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await symlink(outside, join(root, 'escape'));
    for (const [id, inbox] of [['abs', outside], ['dots', '../outside'], ['link', 'escape/so-khcn']] as const) {
      await insertConnection(t.db, { id, connectorId: 'spreadsheet', name: id, config: { inbox }, secretRefs: {} });
      const refused = await upload([id, path]);
      expect([id, refused.code]).toEqual([id, 2]);
      expect(refused.stderr).toMatch(/error \[INBOX_OUTSIDE_ROOT\]: the inbox ".*" (is an absolute path|has "\." or "\.\." segments|leads out of the inbox root through a symbolic link): an inbox is a folder under the inbox root of this host \(LGSP_INBOX_ROOT\)/);
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('a workbook over the limits exits 2 with the limit and what to do; nothing is written', async () => {
    const bomb = join(dir, 'bom.xlsx');
    await writeFile(bomb, writeZip([entryOf('[Content_Types].xml', '<Types/>'), await zeroEntry('xl/worksheets/sheet1.xml', 64 * 1024 * 1024)]));
    const refused = await upload(['so-khcn', bomb]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error \[WORKBOOK_LIMIT_EXCEEDED\]: the workbook is over the limit maxCompressionRatio = 200 of this host \(LGSP_WORKBOOK_MAX_RATIO\).*Split the workbook into smaller ones, or ask the host operator to raise LGSP_WORKBOOK_MAX_RATIO/);
    const large = join(dir, 'lon.xlsx');
    await writeFile(large, Buffer.alloc(300_000));
    const tooLarge = await runCli(['upload', 'so-khcn', large], { ...env, LGSP_WORKBOOK_MAX_BYTES: '200000' });
    expect(tooLarge.code).toBe(2);
    expect(tooLarge.stderr).toMatch(/error \[WORKBOOK_LIMIT_EXCEEDED\]: .*maxBytes = 200000 .*the file has 300000 bytes/);
    expect((await readdir(join(root, 'so-khcn')).catch(() => [])).filter((f) => f === 'bom.xlsx' || f === 'lon.xlsx')).toEqual([]);
  });
});
