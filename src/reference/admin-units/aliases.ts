import { join } from 'node:path';
import { projectRoot } from '../../config/project-root.js';
import type { Db } from '../../warehouse/database.js';
import { unitLevels, type UnitLevel } from '../../warehouse/schema.js';
import type { UpsertCounts } from '../../warehouse/upsert.js';
import { nameKeys } from '../../units/names.js';
import { readCsv } from './csv.js';
import { nameRows, writeNames, type UnitName } from './name-index.js';
import type { LoadProblem } from './problems.js';

export const defaultAliasesFile = join(projectRoot, 'config', 'unit-aliases.csv');
const header = ['alias', 'level', 'code', 'note'] as const;

const isLevel = (text: string): text is UnitLevel => (unitLevels as readonly string[]).includes(text);

export interface AliasReport {
  readonly names: UpsertCounts & { readonly removed: number };
  readonly problems: LoadProblem[];
}

/**
 * Abbreviations and other names (TP.HCM, Sài Gòn, Thừa Thiên Huế) from config/unit-aliases.csv. An alias names
 * every version of its (level, code): 79 is Ho Chi Minh City before and after the reform. An alias that is already
 * an official or English name of the unit adds nothing; one no longer in the file is removed from the index.
 */
export async function loadUnitAliases(db: Db, file = defaultAliasesFile): Promise<AliasReport> {
  const csv = await readCsv(file, header);
  const problems = [...csv.problems];
  const units = await db.selectFrom('admin_unit').select(['id', 'level', 'code']).execute();
  const versions = new Map<string, number[]>();
  for (const u of units) {
    const ids = versions.get(`${u.level}|${u.code}`);
    if (ids) ids.push(u.id);
    else versions.set(`${u.level}|${u.code}`, [u.id]);
  }
  const named = await db.selectFrom('admin_unit_name').select(['unit_id', 'exact_key']).where('origin', '<>', 'alias').execute();
  const taken = new Set(named.map((n) => `${n.unit_id}|${n.exact_key}`));

  const names: UnitName[] = [];
  for (const { line, values: v } of csv.rows) {
    const { exactKey } = nameKeys(v.alias);
    const fail = (reason: string) => problems.push({ file, line, reason });
    if (exactKey === '') fail('the alias is empty');
    else if (!isLevel(v.level)) fail(`unknown level "${v.level}": expected one of ${unitLevels.join(', ')}`);
    else {
      const ids = versions.get(`${v.level}|${v.code}`);
      if (!ids) fail(`no ${v.level} ${v.code} is loaded; alias "${v.alias}" not indexed`);
      else for (const id of ids) if (!taken.has(`${id}|${exactKey}`)) names.push({ unitId: id, name: v.alias, origin: 'alias' });
    }
  }
  const counts = await writeNames(db, names);
  // An alias taken out of the file must stop matching: a wrong alias would send records to the wrong unit.
  const kept = new Set(nameRows(names).map((r) => `${r.unit_id}|${r.exact_key}`));
  const stale = (await db.selectFrom('admin_unit_name').select(['unit_id', 'exact_key']).where('origin', '=', 'alias').execute())
    .filter((r) => !kept.has(`${r.unit_id}|${r.exact_key}`));
  for (const r of stale) {
    await db.deleteFrom('admin_unit_name').where('unit_id', '=', r.unit_id).where('exact_key', '=', r.exact_key).where('origin', '=', 'alias').execute();
  }
  return { names: { ...counts, removed: stale.length }, problems };
}
