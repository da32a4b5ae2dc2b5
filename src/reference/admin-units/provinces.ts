import { basename, join } from 'node:path';
import { projectRoot } from '../../config/project-root.js';
import type { Db } from '../../warehouse/database.js';
import type { Insertable } from 'kysely';
import type { AdminUnitSuccessionTable } from '../../warehouse/schema.js';
import { addCounts, upsertRows, type UpsertCounts } from '../../warehouse/upsert.js';
import { cleanName } from '../../units/names.js';
import { addDays, isIsoDate as isDate } from '../../dates.js';
import { provinceCode, uniqueBy } from './checks.js';
import { readCsv, type CsvRow } from './csv.js';
import { writeNames, type UnitName } from './name-index.js';
import type { LoadProblem } from './problems.js';
import { syncUnits, type UnitRow } from './unit-store.js';

export const defaultProvincesFile = join(projectRoot, 'config', 'provinces.csv');
const header = ['code', 'name', 'valid_from', 'valid_to', 'successor_code'] as const;
type Row = CsvRow<(typeof header)[number]>;

export const countryCode = 'VN';
const country: UnitRow = {
  code: countryCode, level: 'country', name: 'Việt Nam', name_en: 'Viet Nam', kind: null, parent_id: null,
  district_code: null, district_name: null, valid_from: null, valid_to: null, source: 'builtin',
};

export interface PartialReport {
  readonly units: UpsertCounts;
  readonly successions: UpsertCounts;
  readonly names: UpsertCounts;
  readonly problems: LoadProblem[];
}

function provinceKind(name: string): string | null {
  if (name.startsWith('Thành phố')) return 'Thành phố';
  if (name.startsWith('Tỉnh')) return 'Tỉnh';
  return null;
}

function check(row: Row): string | null {
  const v = row.values;
  if (!provinceCode.test(v.code)) return `malformed province code "${v.code}": expected 2 digits`;
  if (cleanName(v.name) === '') return 'the name is empty';
  for (const d of [v.valid_from, v.valid_to]) if (d !== '' && !isDate(d)) return `"${d}" is not a date (YYYY-MM-DD)`;
  if (v.valid_from !== '' && v.valid_to !== '' && v.valid_from > v.valid_to) return `valid_from ${v.valid_from} is after valid_to ${v.valid_to}`;
  if (v.successor_code !== '' && !provinceCode.test(v.successor_code)) return `malformed successor_code "${v.successor_code}": expected 2 digits`;
  if (v.successor_code !== '' && v.valid_to === '') return 'a successor_code needs a valid_to: the province cannot be succeeded while it is still valid';
  return null;
}

/** The country row and the provinces of config/provinces.csv (legacy and current), their successions and names. */
export async function loadProvinces(db: Db, file = defaultProvincesFile): Promise<PartialReport> {
  const csv = await readCsv(file, header);
  const problems = [...csv.problems];
  const valid = csv.rows.filter((row) => {
    const reason = check(row);
    if (reason) problems.push({ file, line: row.line, reason });
    return reason === null;
  });
  const rows = uniqueBy(valid, (r) => `${r.values.code}|${r.values.valid_from}`, (k) => `province version ${k.replace('|', ' from ')}`, file, problems);

  const countrySync = await syncUnits(db, [country]);
  const countryId = countrySync.ids[0] ?? null;
  const source = basename(file);
  const units: UnitRow[] = rows.map(({ values: v }) => {
    const name = cleanName(v.name);
    return {
      code: v.code, level: 'province', name, name_en: null, kind: provinceKind(name), parent_id: countryId,
      district_code: null, district_name: null, valid_from: v.valid_from || null, valid_to: v.valid_to || null, source,
    };
  });
  const sync = await syncUnits(db, units);
  for (const { index, other } of sync.overlaps) {
    const row = rows[index];
    if (row) problems.push({ file, line: row.line, reason: `province ${row.values.code} overlaps the version valid ${other.valid_from ?? '…'} to ${other.valid_to ?? '…'}; not loaded` });
  }

  const successions: Insertable<AdminUnitSuccessionTable>[] = [];
  rows.forEach((row, index) => {
    const id = sync.ids[index];
    const { successor_code: next, valid_to: until } = row.values;
    if (id == null || next === '') return;
    const from = addDays(until, 1);
    const target = rows.findIndex((r, i) => r.values.code === next && sync.ids[i] != null && covers(r, from));
    const successorId = target === -1 ? null : sync.ids[target];
    if (successorId == null) {
      problems.push({ file, line: row.line, reason: `unknown successor: no province ${next} is valid on ${from}` });
      return;
    }
    successions.push({ predecessor_id: id, successor_id: successorId, effective_from: from, divided: false, source });
  });

  const names: UnitName[] = [];
  if (countryId !== null) names.push({ unitId: countryId, name: country.name, origin: 'official' }, { unitId: countryId, name: 'Viet Nam', origin: 'english' });
  units.forEach((u, i) => {
    const id = sync.ids[i];
    if (id != null) names.push({ unitId: id, name: u.name, origin: 'official' });
  });

  return {
    units: addCounts(countrySync.counts, sync.counts),
    successions: await upsertRows(db, 'admin_unit_succession', successions, ['predecessor_id', 'successor_id'], ['effective_from', 'divided', 'source']),
    names: await writeNames(db, names),
    problems,
  };
}

function covers(row: Row, date: string): boolean {
  const { valid_from: from, valid_to: to } = row.values;
  return (from === '' || from <= date) && (to === '' || date <= to);
}
