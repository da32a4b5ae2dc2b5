import { sql } from 'kysely';
import type { Db } from '../../warehouse/database.js';
import type { UnitLevel } from '../../warehouse/schema.js';
import type { CsvRow } from './csv.js';
import type { LoadProblem } from './problems.js';

export const provinceCode = /^[0-9]{2}$/;
export const communeCode = /^[0-9]{5}$/;
export const districtCode = /^[0-9]{3}$/;


export interface UnitOnDate {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly parentId: number | null;
}

/** The versions of one level valid on `date`, by code. */
export async function unitsOn(db: Db, level: UnitLevel, date: string): Promise<Map<string, UnitOnDate>> {
  const rows = await db
    .selectFrom('admin_unit')
    .select(['id', 'code', 'name', 'parent_id'])
    .where('level', '=', level)
    .where(sql<boolean>`validity @> ${date}::date`)
    .execute();
  return new Map(rows.map((r) => [r.code, { id: r.id, code: r.code, name: r.name, parentId: r.parent_id }]));
}

/**
 * Keeps one row per key. Identical repeats are reported and dropped; rows that share a key but differ are all
 * refused, because picking one would be a guess.
 */
export function uniqueBy<C extends string>(
  rows: readonly CsvRow<C>[],
  keyOf: (row: CsvRow<C>) => string,
  what: (key: string) => string,
  file: string,
  problems: LoadProblem[],
): CsvRow<C>[] {
  const groups = new Map<string, CsvRow<C>[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  const kept: CsvRow<C>[] = [];
  for (const [k, group] of groups) {
    const [first, ...rest] = group;
    if (!first) continue;
    const content = JSON.stringify(first.values);
    if (rest.every((r) => JSON.stringify(r.values) === content)) {
      kept.push(first);
      for (const r of rest) problems.push({ file, line: r.line, reason: `duplicate ${what(k)}: repeats line ${first.line}; ignored` });
      continue;
    }
    const lines = group.map((r) => r.line).join(', ');
    for (const r of group) problems.push({ file, line: r.line, reason: `duplicate ${what(k)} on lines ${lines} with different content; none of them loaded` });
  }
  return kept.sort((a, b) => a.line - b.line);
}
