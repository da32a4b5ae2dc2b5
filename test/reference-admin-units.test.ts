import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { ReferenceDataError } from '../src/errors.js';
import { importGsoCatalogue, loadAdminUnits, type AdminUnitsReport } from '../src/reference/admin-units/index.js';
import type { Db } from '../src/warehouse/database.js';
import { resolveUnit } from '../src/units/resolve.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const dir = resolve(projectRoot, process.env.LGSP_ADMIN_UNITS_DIR ?? '../shared/data/admin-units');
const files = {
  current: 'communes-2025.csv',
  legacy: 'gso-catalogue-legacy-wards-2025-07-18.csv',
  links: 'legacy-to-2025-communes.csv',
} as const;

async function dataRows(file: string): Promise<string[][]> {
  const rows: string[][] = parse(await readFile(file), { bom: true });
  return rows.slice(1);
}

async function unitCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('admin_unit')
    .select(['level', sql<string>`case when valid_to is null then 'current' else 'legacy' end`.as('era'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['level', 'era'])
    .execute();
  return Object.fromEntries(rows.map((r) => [`${r.level} ${r.era}`, r.n]));
}

const count = async (db: Db, table: 'admin_unit_succession' | 'admin_unit_name') =>
  (await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

/** Copies the shared files to a temporary folder and replaces whole physical lines (1-based). */
async function corruptedCopy(into: string, edits: Partial<Record<keyof typeof files, Record<number, (line: string) => string>>>): Promise<void> {
  for (const [key, name] of Object.entries(files) as [keyof typeof files, string][]) {
    const lineEdits = edits[key];
    if (!lineEdits) {
      await copyFile(join(dir, name), join(into, name));
      continue;
    }
    const lines = (await readFile(join(dir, name), 'utf8')).split('\n');
    for (const [n, edit] of Object.entries(lineEdits)) lines[Number(n) - 1] = edit(lines[Number(n) - 1] ?? '');
    await writeFile(join(into, name), lines.join('\n'));
  }
}

describe('loadAdminUnits with the shared files', () => {
  let t: TestDatabase;
  let first: AdminUnitsReport;

  // How long the loads take is measured by `npm run bench:reference`.
  beforeAll(async () => {
    t = await createTestDatabase();
    first = await loadAdminUnits(t.db, { dir });
  });
  afterAll(async () => t.drop());

  it('loads the country, 63 + 34 provinces, the current and the legacy communes', async () => {
    const legacyInCatalogue = (await dataRows(join(dir, files.legacy))).length;
    expect(legacyInCatalogue).toBe(10035);
    expect(await unitCounts(t.db)).toEqual({
      'country current': 1,
      'province legacy': 63,
      'province current': 34,
      'commune current': 3321,
      'commune legacy': legacyInCatalogue,
    });
    expect(first.counts.admin_unit).toEqual({ inserted: 1 + 97 + 3321 + legacyInCatalogue, updated: 0, unchanged: 0 });
    expect(first.communesLoaded).toBe(true);
    expect(first.notes).toEqual([]);
  });

  it('keeps what the commune rows say: parent, district, English name, clean NFC names', async () => {
    const unit = (code: string, legacy: boolean) =>
      t.db
        .selectFrom('admin_unit as u')
        .innerJoin('admin_unit as p', 'p.id', 'u.parent_id')
        .select(['u.name', 'u.name_en', 'u.kind', 'u.district_code', 'u.district_name', 'u.valid_from', 'u.valid_to', 'p.code as parent', 'p.valid_to as parent_to'])
        .where('u.level', '=', 'commune')
        .where('u.code', '=', code)
        .where('u.valid_to', legacy ? 'is not' : 'is', null)
        .executeTakeFirstOrThrow();
    expect(await unit('00006', true)).toEqual({
      name: 'Phường Vĩnh Phúc', name_en: 'Vinh Phuc Commune', kind: 'Phường', district_code: '001', district_name: 'Quận Ba Đình',
      valid_from: null, valid_to: '2025-06-30', parent: '01', parent_to: '2025-06-30',
    });
    expect(await unit('00070', false)).toMatchObject({ name: 'Phường Hoàn Kiếm', kind: 'Phường', district_code: null, valid_from: '2025-07-01', parent: '01', parent_to: null });
    const names = await t.db.selectFrom('admin_unit').select('name').where('level', '=', 'commune').execute();
    expect(names.filter((n) => n.name !== n.name.normalize('NFC') || /\s{2,}|^\s|\s$/.test(n.name))).toEqual([]);
  });

  it('records successions: provinces and communes, every link of a divided commune marked divided', async () => {
    const links = (await dataRows(join(dir, files.links))).filter((r) => r[4] !== '');
    expect(first.counts.admin_unit_succession).toEqual({ inserted: 63 + links.length, updated: 0, unchanged: 0 });
    expect(links.length).toBe(10597);
    const divided = await t.db.selectFrom('admin_unit_succession').select((eb) => eb.fn.countAll<number>().as('n')).where('divided', '=', true).executeTakeFirstOrThrow();
    expect(divided.n).toBe(links.filter((r) => r[6] === 'True').length);
    const dienBien = await t.db
      .selectFrom('admin_unit_succession as s')
      .innerJoin('admin_unit as p', 'p.id', 's.predecessor_id')
      .innerJoin('admin_unit as n', 'n.id', 's.successor_id')
      .select(['n.code', 's.divided', 's.effective_from'])
      .where('p.code', '=', '00019')
      .where('p.level', '=', 'commune')
      .orderBy('n.code')
      .execute();
    expect(dienBien).toEqual([
      { code: '00004', divided: true, effective_from: '2025-07-01' },
      { code: '00070', divided: true, effective_from: '2025-07-01' },
      { code: '00190', divided: true, effective_from: '2025-07-01' },
      { code: '00226', divided: true, effective_from: '2025-07-01' },
    ]);
  });

  it('indexes official, English and alias names', async () => {
    const byOrigin = await t.db.selectFrom('admin_unit_name').select(['origin', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('origin').execute();
    const n = Object.fromEntries(byOrigin.map((r) => [r.origin, r.n]));
    expect(n.official).toBe(1 + 97 + 3321 + 10035);
    const withEnglish = await t.db.selectFrom('admin_unit').select((eb) => eb.fn.countAll<number>().as('n')).where('name_en', 'is not', null).executeTakeFirstOrThrow();
    // 165 English names in the catalogue, 5 of them not names of the unit (reported below); the country's.
    expect(withEnglish.n).toBe(1 + 160);
    // "Tam Đường town" gives the key of the official name: one index row for both.
    expect(n.english).toBeGreaterThan(140);
    expect(n.english).toBeLessThanOrEqual(withEnglish.n);
    expect(n.alias).toBeGreaterThan(20);
    expect(first.counts.admin_unit_name.inserted).toBe(await count(t.db, 'admin_unit_name'));
  });

  it('reports the 5 rows without a legacy commune code and the 5 English names that are not names, with their physical lines', () => {
    const inFile = (name: string) => first.problems.filter((p) => p.file === join(dir, name));
    expect(inFile(files.links).map((p) => p.line)).toEqual([3958, 6193, 6375, 6780, 8649]);
    for (const p of inFile(files.links)) expect(p.reason).toMatch(/^legacy_commune_code is empty: legacy district \d{3} Huyện .+ lists no commune \(an island district without communes\)/);
    expect(inFile(files.links)[0]?.reason).toMatch(/Huyện Bạch Long Vĩ.*11948 Đặc khu Bạch Long Vĩ/);

    expect(inFile(files.legacy).map((p) => p.line)).toEqual([1637, 4960, 5314, 7211, 8125]);
    expect(inFile(files.legacy)[0]?.reason).toBe('English name "Cập nhật tên theo NQ1280/NQ-UBTVQH15" does not match the name "Xã Sặp Vạt": not stored, not indexed (the commune itself is loaded)');
    expect(first.problems).toHaveLength(10);
  });

  it('a second load changes nothing', async () => {
    const again = await loadAdminUnits(t.db, { dir });
    for (const table of ['admin_unit', 'admin_unit_succession', 'admin_unit_name'] as const) {
      expect(again.counts[table]).toMatchObject({ inserted: 0, updated: 0 });
    }
    expect(again.counts.admin_unit.unchanged).toBe(first.counts.admin_unit.inserted);
    expect(again.counts.admin_unit_succession.unchanged).toBe(first.counts.admin_unit_succession.inserted);
    expect(again.counts.admin_unit_name.unchanged).toBe(first.counts.admin_unit_name.inserted);
    expect(again.problems).toEqual(first.problems);
  });
});

describe('loadAdminUnits with damaged files', () => {
  let t: TestDatabase;
  let tmp: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    tmp = await mkdtemp(join(tmpdir(), 'lgsp-admin-units-'));
  });
  afterAll(async () => {
    await t.drop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('reports each damaged line with its file and physical line, and loads the rest', async () => {
    await corruptedCopy(tmp, {
      // Line 3 opens a quote it never closes; the next quote is the multi-line field of lines 5-6.
      current: { 3: (l) => l.replace('00008,', '00008,"'), 8: (l) => l.replace(',01,', ',99,') },
      // Line 5 gets a malformed code; line 7 an unbalanced quote that is never closed before the end of the file.
      legacy: { 5: (l) => l.replace('00007', '0007X'), 7: (l) => l.replace('00013,', '00013,"') },
      // Line 11 loses its last column.
      links: { 11: (l) => l.replace(/,[^,\r]*(\r?)$/, '$1') },
    });
    const report = await loadAdminUnits(t.db, { dir: tmp });
    const at = (name: string, line: number) => report.problems.filter((p) => p.file === join(tmp, name) && p.line === line);

    expect(at(files.current, 3)).toEqual([{ file: join(tmp, files.current), line: 3, reason: expect.stringMatching(/quote/) as unknown }]);
    expect(at(files.current, 8)[0]?.reason).toMatch(/^unknown province code 99/);
    expect(at(files.legacy, 5)[0]?.reason).toMatch(/^malformed commune code "0007X"/);
    expect(at(files.legacy, 7)[0]?.reason).toMatch(/quote/);
    expect(at(files.links, 11)[0]?.reason).toMatch(/^has 10 fields, expected 11/);
    expect(at(files.links, 3958)[0]?.reason).toMatch(/legacy_commune_code is empty/);
    // Rows that lead to the refused communes cannot be linked either, and say why.
    expect(report.problems.filter((p) => p.file === join(tmp, files.links) && /unknown (successor|legacy) commune (00008|00091|00007|00013) /.test(p.reason)).length).toBeGreaterThan(0);

    expect(await unitCounts(t.db)).toMatchObject({ 'commune current': 3321 - 2, 'commune legacy': 10035 - 2 });
    const hoanKiem = await t.db.selectFrom('admin_unit').select('name').where('code', '=', '00070').where('valid_from', '=', '2025-07-01').executeTakeFirstOrThrow();
    expect(hoanKiem.name).toBe('Phường Hoàn Kiếm');
  });

  it('a file with a wrong header is refused, naming the file and the expected header, and nothing is written', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'lgsp-admin-units-header-'));
    try {
      await corruptedCopy(bad, { current: { 1: () => 'code,name,level,province,province_name,decree' } });
      const fresh = await createTestDatabase();
      try {
        const error = await loadAdminUnits(fresh.db, { dir: bad }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ReferenceDataError);
        expect((error as Error).message).toContain(join(bad, files.current));
        expect((error as Error).message).toContain('expected "code,name,level,province_code,province_name,decree"');
        expect(await unitCounts(fresh.db)).toEqual({});
      } finally {
        await fresh.drop();
      }
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('loadAdminUnits without commune files', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('loads the country and the 97 provinces when no folder is given', async () => {
    const report = await loadAdminUnits(t.db, { dir: null });
    expect(await unitCounts(t.db)).toEqual({ 'country current': 1, 'province legacy': 63, 'province current': 34 });
    expect(report.communesLoaded).toBe(false);
    expect(report.notes).toEqual(['no commune directory given: loaded provinces only']);
    expect(report.counts.admin_unit_succession.inserted).toBe(63);
    expect(report.problems).toEqual([]);
  });

  it('says the commune files were not found when the folder is missing, and loads provinces again idempotently', async () => {
    const report = await loadAdminUnits(t.db, { dir: '/nonexistent/admin-units' });
    expect(report.notes).toEqual(['commune files were not found at /nonexistent/admin-units: loaded provinces only']);
    expect(report.communesLoaded).toBe(false);
    expect(report.counts.admin_unit).toEqual({ inserted: 0, updated: 0, unchanged: 98 });
    expect(report.counts.admin_unit_name).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('imports a GSO catalogue export on its own and counts what an update changes', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'lgsp-gso-'));
    try {
      const file = join(tmp, 'gso-update.csv');
      const header = '\uFEFFMã,Tên,Tên Tiếng Anh,Cấp,Mã QH,Quận Huyện,Mã TP,Tỉnh / Thành Phố';
      const rows = ['00001,Phường Phúc Xá,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội', '00004,Phường Trúc Bạch,,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội'];
      await writeFile(file, [header, ...rows].join('\r\n'));
      const validity = { validFrom: null, validTo: '2025-06-30' };
      expect((await importGsoCatalogue(t.db, file, validity)).units).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      await writeFile(file, [header, rows[0], '00004,Phường Trúc Bạch,Truc Bach Ward,Phường,001,Quận Ba Đình,01,Thành phố Hà Nội', '00006,Phường Vĩnh Phúc,,Phường,001,Quận Ba Đình,77,Thành phố Hà Nội'].join('\r\n'));
      const update = await importGsoCatalogue(t.db, file, validity);
      expect(update.units).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
      expect(update.names).toMatchObject({ inserted: 1 });
      expect(update.problems).toEqual([{ file, line: 4, reason: expect.stringMatching(/province name "Thành phố Hà Nội" does not match province 77/) as unknown }]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('an alias taken out of the alias file stops matching; an alias of an unknown unit is reported', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'lgsp-aliases-'));
    try {
      const file = join(tmp, 'unit-aliases.csv');
      await writeFile(file, 'alias,level,code,note\nTP.HCM,province,79,\nAtlantis,province,99,\n');
      const report = await loadAdminUnits(t.db, { dir: null, aliasesFile: file });
      expect(report.counts.admin_unit_name.removed).toBeGreaterThan(0);
      expect(report.problems).toEqual([{ file, line: 3, reason: 'no province 99 is loaded; alias "Atlantis" not indexed' }]);
      expect(await resolveUnit(t.db, 'HCMC', { asOf: '2025-08-01' })).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
      expect(await resolveUnit(t.db, 'TP.HCM', { asOf: '2025-08-01' })).toMatchObject({ ok: true, matchedBy: 'alias', unit: { code: '79' } });
      expect((await loadAdminUnits(t.db, { dir: null })).counts.admin_unit_name).toMatchObject({ updated: 0, removed: 0 });
      expect(await resolveUnit(t.db, 'HCMC', { asOf: '2025-08-01' })).toMatchObject({ ok: true, unit: { code: '79' } });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
