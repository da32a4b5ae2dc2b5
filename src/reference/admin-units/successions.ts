import { basename } from 'node:path';
import type { Db } from '../../warehouse/database.js';
import type { Insertable } from 'kysely';
import type { AdminUnitSuccessionTable } from '../../warehouse/schema.js';
import { upsertRows, type UpsertCounts } from '../../warehouse/upsert.js';
import { addDays } from '../../dates.js';
import { communeCode, provinceCode, uniqueBy, unitsOn } from './checks.js';
import { readCsv, type CsvRow } from './csv.js';
import type { LoadProblem } from './problems.js';

export const communeSuccessionsFile = 'legacy-to-2025-communes.csv';
const header = [
  'legacy_province_code', 'legacy_province_name', 'legacy_district_code', 'legacy_district_name', 'legacy_commune_code',
  'legacy_commune_name', 'divided', 'province_code', 'province_name', 'commune_code', 'commune_name',
] as const;
type Row = CsvRow<(typeof header)[number]>;

export interface SuccessionReport {
  readonly successions: UpsertCounts;
  readonly problems: LoadProblem[];
}

function check(row: Row): string | null {
  const v = row.values;
  if (v.legacy_commune_code === '') {
    return `legacy_commune_code is empty: legacy district ${v.legacy_district_code} ${v.legacy_district_name} lists no commune (an island district without communes), so no legacy commune can be linked to ${v.commune_code} ${v.commune_name}`;
  }
  if (!communeCode.test(v.legacy_commune_code)) return `malformed legacy_commune_code "${v.legacy_commune_code}": expected 5 digits`;
  if (!communeCode.test(v.commune_code)) return `malformed commune_code "${v.commune_code}": expected 5 digits`;
  if (!provinceCode.test(v.legacy_province_code)) return `malformed legacy_province_code "${v.legacy_province_code}": expected 2 digits`;
  if (!provinceCode.test(v.province_code)) return `malformed province_code "${v.province_code}": expected 2 digits`;
  if (!/^(true|false)$/i.test(v.divided)) return `divided is "${v.divided}": expected True or False`;
  return null;
}

/**
 * Legacy commune -> new commune links from legacy-to-2025-communes.csv, effective `effectiveFrom`. A legacy commune
 * listed with several new communes was divided: every one of its links is stored with divided = true.
 */
export async function loadCommuneSuccessions(db: Db, file: string, effectiveFrom: string): Promise<SuccessionReport> {
  const csv = await readCsv(file, header);
  const problems = [...csv.problems];
  const checked = csv.rows.filter((row) => {
    const reason = check(row);
    if (reason) problems.push({ file, line: row.line, reason });
    return reason === null;
  });
  const rows = uniqueBy(checked, (r) => `${r.values.legacy_commune_code} -> ${r.values.commune_code}`, (k) => `link ${k}`, file, problems);

  const lastLegacyDay = addDays(effectiveFrom, -1);
  const [legacy, current, legacyProvinces, provinces] = await Promise.all([
    unitsOn(db, 'commune', lastLegacyDay),
    unitsOn(db, 'commune', effectiveFrom),
    unitsOn(db, 'province', lastLegacyDay),
    unitsOn(db, 'province', effectiveFrom),
  ]);
  const provinceCodeOf = new Map([...legacyProvinces.values(), ...provinces.values()].map((p) => [p.id, p.code]));

  const links: { row: Row; predecessor: number; successor: number }[] = [];
  for (const row of rows) {
    const v = row.values;
    const before = legacy.get(v.legacy_commune_code);
    const after = current.get(v.commune_code);
    const fail = (reason: string) => problems.push({ file, line: row.line, reason });
    if (!before) fail(`unknown legacy commune ${v.legacy_commune_code} ${v.legacy_commune_name}: no commune has that code on ${lastLegacyDay}`);
    else if (!after) fail(`unknown successor commune ${v.commune_code} ${v.commune_name}: no commune has that code on ${effectiveFrom}`);
    else if (provinceCodeOf.get(before.parentId ?? -1) !== v.legacy_province_code) {
      fail(`legacy commune ${v.legacy_commune_code} belongs to province ${provinceCodeOf.get(before.parentId ?? -1) ?? '?'}, not ${v.legacy_province_code}`);
    } else if (provinceCodeOf.get(after.parentId ?? -1) !== v.province_code) {
      fail(`commune ${v.commune_code} belongs to province ${provinceCodeOf.get(after.parentId ?? -1) ?? '?'}, not ${v.province_code}`);
    } else links.push({ row, predecessor: before.id, successor: after.id });
  }

  const successorCount = new Map<number, number>();
  for (const l of links) successorCount.set(l.predecessor, (successorCount.get(l.predecessor) ?? 0) + 1);
  // divided=False with several successors contradicts itself; divided=True with one may have lost a sibling row above.
  const contradictory = new Set(
    links.filter((l) => l.row.values.divided.toLowerCase() === 'false' && (successorCount.get(l.predecessor) ?? 0) > 1).map((l) => l.predecessor),
  );
  const source = basename(file);
  const successions: Insertable<AdminUnitSuccessionTable>[] = [];
  for (const l of links) {
    if (contradictory.has(l.predecessor)) {
      problems.push({ file, line: l.row.line, reason: `legacy commune ${l.row.values.legacy_commune_code} goes to ${successorCount.get(l.predecessor) ?? 0} new communes but some of its rows say divided=False; none of its links loaded` });
      continue;
    }
    const divided = l.row.values.divided.toLowerCase() === 'true' || (successorCount.get(l.predecessor) ?? 0) > 1;
    successions.push({ predecessor_id: l.predecessor, successor_id: l.successor, effective_from: effectiveFrom, divided, source });
  }
  return {
    successions: await upsertRows(db, 'admin_unit_succession', successions, ['predecessor_id', 'successor_id'], ['effective_from', 'divided', 'source']),
    problems,
  };
}
