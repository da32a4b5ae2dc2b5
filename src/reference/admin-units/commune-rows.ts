import { basename } from 'node:path';
import type { Db } from '../../warehouse/database.js';
import type { UpsertCounts } from '../../warehouse/upsert.js';
import { cleanName, nameKeys, normaliseName } from '../../units/names.js';
import { communeCode, provinceCode, uniqueBy, unitsOn } from './checks.js';
import type { CsvRow } from './csv.js';
import { writeNames, type UnitName } from './name-index.js';
import type { LoadProblem } from './problems.js';
import { syncUnits, type UnitRow } from './unit-store.js';

/** A commune row of any source file, in the loader's terms. */
export interface CommuneInput {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly kind: string;
  readonly provinceCode: string;
  readonly provinceName: string;
  readonly districtCode: string | null;
  readonly districtName: string | null;
}

export interface CommuneLoad {
  readonly file: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  /** The kinds (level column) the format allows, e.g. Xã, Phường, Đặc khu. */
  readonly kinds: readonly string[];
}

export interface CommuneReport {
  readonly rows: number;
  readonly units: UpsertCounts;
  readonly names: UpsertCounts;
  readonly problems: LoadProblem[];
}

function check(c: CommuneInput, kinds: readonly string[]): string | null {
  if (!communeCode.test(c.code)) return `malformed commune code "${c.code}": expected 5 digits`;
  if (cleanName(c.name) === '') return 'the commune name is empty';
  if (!kinds.includes(cleanName(c.kind))) return `unknown level "${c.kind}": expected one of ${kinds.join(', ')}`;
  if (!provinceCode.test(c.provinceCode)) return `malformed province code "${c.provinceCode}": expected 2 digits`;
  if (c.districtCode !== null && !/^[0-9]{3}$/.test(c.districtCode)) return `malformed district code "${c.districtCode}": expected 3 digits`;
  return null;
}

/**
 * The English name, when it is one: the GSO export also carries notes ("Cập nhật tên theo NQ1280/...") and names of
 * other units ("Hoang Mai town" for Phường Quỳnh Thiện) in that column. Those are reported, not stored.
 */
function englishName(c: CommuneInput, file: string, line: number, problems: LoadProblem[]): string | null {
  const en = cleanName(c.nameEn);
  if (en === '') return null;
  if (normaliseName(en).unprefixed.asciiKey === nameKeys(c.name).asciiKey) return en;
  problems.push({ file, line, reason: `English name "${en}" does not match the name "${cleanName(c.name)}": not stored, not indexed (the commune itself is loaded)` });
  return null;
}

/**
 * Checks commune rows, finds each one's province as of the validity interval (its end, or its start when open),
 * and writes the units and their official and English names.
 */
export async function loadCommuneRows<C extends string>(
  db: Db,
  rows: readonly CsvRow<C>[],
  toInput: (row: CsvRow<C>) => CommuneInput,
  load: CommuneLoad,
  problems: LoadProblem[],
): Promise<CommuneReport> {
  const { file, validFrom, validTo } = load;
  const valid = rows.filter((row) => {
    const reason = check(toInput(row), load.kinds);
    if (reason) problems.push({ file, line: row.line, reason });
    return reason === null;
  });
  const unique = uniqueBy(valid, (r) => toInput(r).code, (k) => `commune code ${k}`, file, problems);
  const onDate = validTo ?? validFrom ?? new Date().toISOString().slice(0, 10);
  const provinces = await unitsOn(db, 'province', onDate);

  const accepted: { row: CsvRow<C>; unit: UnitRow }[] = [];
  for (const row of unique) {
    const c = toInput(row);
    const province = provinces.get(c.provinceCode);
    if (!province) {
      problems.push({ file, line: row.line, reason: `unknown province code ${c.provinceCode}: no province has it on ${onDate}` });
      continue;
    }
    if (c.provinceName !== '' && nameKeys(c.provinceName).asciiKey !== nameKeys(province.name).asciiKey) {
      problems.push({ file, line: row.line, reason: `province name "${c.provinceName}" does not match province ${c.provinceCode} (${province.name}) on ${onDate}` });
      continue;
    }
    const nameEn = englishName(c, file, row.line, problems);
    accepted.push({
      row,
      unit: {
        code: c.code, level: 'commune', name: cleanName(c.name), name_en: nameEn, kind: cleanName(c.kind),
        parent_id: province.id, district_code: c.districtCode, district_name: c.districtName === null || cleanName(c.districtName) === '' ? null : cleanName(c.districtName),
        valid_from: validFrom, valid_to: validTo, source: basename(file),
      },
    });
  }

  const sync = await syncUnits(db, accepted.map((a) => a.unit));
  for (const { index, other } of sync.overlaps) {
    const a = accepted[index];
    if (a) problems.push({ file, line: a.row.line, reason: `commune ${a.unit.code} overlaps its version valid ${other.valid_from ?? '…'} to ${other.valid_to ?? '…'} (${other.source}); not loaded` });
  }
  const names: UnitName[] = [];
  accepted.forEach(({ unit }, i) => {
    const id = sync.ids[i];
    if (id == null) return;
    names.push({ unitId: id, name: unit.name, origin: 'official' });
    if (unit.name_en !== null) names.push({ unitId: id, name: unit.name_en, origin: 'english' });
  });
  return { rows: rows.length, units: sync.counts, names: await writeNames(db, names), problems };
}
