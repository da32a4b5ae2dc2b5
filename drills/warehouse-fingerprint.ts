import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../src/warehouse/database.js';

/** Count and md5 of a table's content, without ids or timestamps (they differ between equal warehouses). */
export interface TableDigest {
  readonly count: number;
  readonly digest: string;
}

export type WarehouseFingerprint = Readonly<Record<'observation' | 'observation_revision' | 'indicator_value' | 'raw_record' | 'source_record', TableDigest>>;

const unitKey = sql`u.code || '|' || u.level || '|' || coalesce(u.valid_to::text, '')`;

/** What each table holds, one text per row, and the order to digest them in. */
const tables: Record<keyof WarehouseFingerprint, { readonly from: RawBuilder<unknown>; readonly row: RawBuilder<unknown>; readonly order: RawBuilder<unknown> }> = {
  observation: {
    from: sql`observation o join admin_unit u on u.id = o.unit_id`,
    row: sql`o.indicator_code || '|' || ${unitKey} || '|' || o.period_code || '|' || o.value::text || '|' || o.status`,
    order: sql`o.indicator_code, u.code, u.level, u.valid_to, o.period_code`,
  },
  // Each observation's changes in the order they happened (by id within the observation), values only.
  observation_revision: {
    from: sql`observation_revision r join admin_unit u on u.id = r.unit_id`,
    row: sql`r.indicator_code || '|' || ${unitKey} || '|' || r.period_code || '|' || r.change || '|' || coalesce(r.old_value::text, '-') || '|' || coalesce(r.new_value::text, '-') || '|' || coalesce(r.old_status, '-') || '|' || coalesce(r.new_status, '-')`,
    order: sql`r.indicator_code, u.code, u.level, u.valid_to, r.period_code, r.id`,
  },
  indicator_value: {
    from: sql`indicator_value v join admin_unit u on u.id = v.unit_id`,
    row: sql`v.indicator_code || '|' || ${unitKey} || '|' || v.period_code || '|' || v.value::text`,
    order: sql`v.indicator_code, u.code, u.level, u.valid_to, v.period_code`,
  },
  raw_record: {
    from: sql`raw_record r`,
    row: sql`r.connection_id || '|' || r.stream || '|' || r.source_key || '|' || encode(r.content_hash, 'hex') || '|' || r.payload::text`,
    order: sql`r.connection_id, r.stream, r.source_key, r.content_hash`,
  },
  source_record: {
    from: sql`source_record s`,
    row: sql`s.connection_id || '|' || s.stream || '|' || s.source_key || '|' || encode(s.content_hash, 'hex') || '|' || coalesce(s.scope, '-')`,
    order: sql`s.connection_id, s.stream, s.source_key`,
  },
};

async function digestOf(db: Db, table: keyof WarehouseFingerprint): Promise<TableDigest> {
  const { from, row, order } = tables[table];
  const r = await sql<{ count: number; digest: string | null }>`
    select count(*)::int as count, md5(string_agg(${row}, ',' order by ${order})) as digest from ${from}`.execute(db);
  return { count: r.rows[0]?.count ?? 0, digest: r.rows[0]?.digest ?? '' };
}

export async function warehouseFingerprint(db: Db): Promise<WarehouseFingerprint> {
  return {
    observation: await digestOf(db, 'observation'),
    observation_revision: await digestOf(db, 'observation_revision'),
    indicator_value: await digestOf(db, 'indicator_value'),
    raw_record: await digestOf(db, 'raw_record'),
    source_record: await digestOf(db, 'source_record'),
  };
}

/** The tables that differ from the baseline, each with its counts: empty when the warehouses are identical. */
export function warehouseDifferences(baseline: WarehouseFingerprint, drill: WarehouseFingerprint): string[] {
  return (Object.keys(tables) as (keyof WarehouseFingerprint)[])
    .filter((table) => baseline[table].digest !== drill[table].digest || baseline[table].count !== drill[table].count)
    .map((table) => `${table} differs from the undisturbed run (${drill[table].count.toLocaleString('en')} rows, baseline ${baseline[table].count.toLocaleString('en')})`);
}
