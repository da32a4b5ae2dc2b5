import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';

export interface LatestValue {
  readonly indicator: string;
  readonly value: string;
  readonly period: string;
}

/**
 * Each indicator's latest materialised value for a province (the version valid today), preferring periods that
 * have ended (a year under way would compare part of a year with a whole one): the latest year that has one,
 * else the latest quarter, else the latest month; a snapshot counted only for this month comes last.
 */
export async function latestProvinceValues(db: Db, provinceCode: string, indicators: readonly string[]): Promise<Map<string, LatestValue>> {
  const rows = await sql<LatestValue>`
    select distinct on (v.indicator_code) v.indicator_code as indicator, v.value::text as value, v.period_code as period
    from indicator_value v
    join admin_unit u on u.id = v.unit_id
    join period p on p.code = v.period_code
    where u.level = 'province' and u.code = ${provinceCode} and u.validity @> current_date
      and v.indicator_code = any(${indicators}::text[])
    order by v.indicator_code, p.ends_on >= current_date, case p.kind when 'year' then 0 when 'quarter' then 1 else 2 end, p.starts_on desc`.execute(db);
  return new Map(rows.rows.map((r) => [r.indicator, r]));
}
