import { defaultDecimals } from './indicator-catalogue.js';
import type { Db } from '../warehouse/database.js';

/** Places each indicator's values are shown to in text (catalogue `decimals`); an unknown code gets the default. */
export interface DecimalsOf {
  (indicator: string): number;
}

/** Reads every indicator's decimals once (27 rows): text output looks them up per value. */
export async function loadIndicatorDecimals(db: Db): Promise<DecimalsOf> {
  const rows = await db.selectFrom('indicator').select(['code', 'decimals']).execute();
  const byCode = new Map(rows.map((r) => [r.code, r.decimals]));
  return (indicator) => byCode.get(indicator) ?? defaultDecimals;
}
