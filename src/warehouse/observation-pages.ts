import { sql } from 'kysely';
import type { Db } from './database.js';
import type { ObservationStatus, PeriodKind, UnitLevel } from './schema.js';

/**
 * Pages of warehouse values in key order (indicator, unit version, period; see PageOrder for the other order),
 * merging the two kinds the warehouse holds for a key: the `observed` value (table `observation`: what the sources reported for exactly that unit) and
 * the `computed` one (table `indicator_value`: the province-level value rolled up from communes, months and legacy
 * units, or derived, by the catalogue's rules). At one key the observed item comes before the computed one.
 *
 * Keyset pagination: each kind is read from the cursor on in index order (observation's unique key and
 * indicator_value's primary key, (indicator, unit, period); or the (period, indicator, unit) indexes of migration
 * 0011), at most `limit` rows each; the two short runs are merged and the page ends at `limit` items. No offset, no
 * count: a page costs the same at the start and the end of ten million rows.
 *
 * With `knownAt`, both kinds are read from their revisions instead (observation_revision, indicator_value_revision):
 * the values as the warehouse held them at that instant (see knownRows).
 */

export const valueKinds = ['observed', 'computed'] as const;
export type ValueKind = (typeof valueKinds)[number];

/**
 * The order of a page: `indicator` (indicator, unit, period), or `period` (period, indicator, unit) when periods are
 * filtered without a unit: there the periods asked for may be a sparse part of an indicator's rows (years, when
 * communes report months), and a scan in indicator order would read all of them to find a few. Period first, each
 * period is one descent of the (period, indicator, unit) index.
 */
export type PageOrder = 'indicator' | 'period';

/** The position after an item: its key and kind, and the order it is a position in. */
export interface PagePosition {
  readonly order: PageOrder;
  readonly indicator: string;
  readonly unitId: number;
  readonly period: string;
  readonly kind: ValueKind;
}

export interface ValueFilter {
  readonly indicator: string | null;
  readonly unitId: number | null;
  /** Period codes to keep; null: every period. */
  readonly periods: readonly string[] | null;
  /** Kinds to return; both when null. */
  readonly kind: ValueKind | null;
  /** The values as the warehouse held them at this instant (read from the revisions); null: today's. */
  readonly knownAt: Date | null;
}

/** A knownAt page is always in indicator order: the revision tables have only their key index (see knownRows). */
export function orderOf(filter: ValueFilter): PageOrder {
  return filter.periods !== null && filter.unitId === null && filter.knownAt === null ? 'period' : 'indicator';
}

export interface PageUnit {
  readonly id: number;
  readonly code: string;
  readonly level: UnitLevel;
  readonly name: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface ValueItem {
  readonly kind: ValueKind;
  readonly indicator: string;
  readonly unit: PageUnit;
  readonly period: string;
  readonly periodType: PeriodKind;
  /** Exact decimal text, as stored. */
  readonly value: string;
  readonly measureUnit: string;
  /** Observed only (null for computed values). */
  readonly status: ObservationStatus | null;
  /** Observed: the connection that last changed the value; null for computed values. */
  readonly connectionId: string | null;
  /** The run that last changed (observed) or recomputed (computed) the value. */
  readonly runId: number | null;
  /** When the value last changed (observed) or was last computed (computed). */
  readonly updatedAt: Date;
  /** Computed only: how the value was formed (fallbacks, partial coverage, exclusions). */
  readonly notes: readonly string[];
  /** Observed: whether the source named a unit merged before the date (resolved to its successor); null for computed values. */
  readonly unitsViaSuccession: boolean | null;
}

export interface ValuePage {
  readonly items: ValueItem[];
  /** Where the next page starts; null when this one is the last. */
  readonly next: PagePosition | null;
}

export function periodKindOf(code: string): PeriodKind {
  return code.length === 4 ? 'year' : code.includes('Q') ? 'quarter' : 'month';
}

interface Row {
  indicator_code: string;
  unit_id: number;
  period_code: string;
  value: string;
  measure_unit: string;
  status: ObservationStatus | null;
  connection_id: string | null;
  sync_run_id: number | null;
  changed_at: Date;
  notes: string[] | null;
  units_via_succession: boolean | null;
  code: string;
  level: UnitLevel;
  name: string;
  valid_from: string | null;
  valid_to: string | null;
}

type Key = string | number;

/**
 * The keyset condition "after the cursor" on index columns in index order. Leading columns the filter fixes are
 * compared here, not in SQL: a row comparison that starts at a column fixed by `=` would not position the index
 * scan (it would read the whole fixed range up to the cursor). What remains is a plain or a row comparison on the
 * columns after them, which starts the scan at the cursor. 'all': every row qualifies; 'none': none does.
 */
function afterCondition(columns: readonly { column: string; cursor: Key; fixed: Key | null }[], inclusive: boolean) {
  let rest = [...columns];
  for (const c of columns) {
    if (c.fixed === null) break;
    if (c.fixed !== c.cursor) return c.fixed > c.cursor ? ('all' as const) : ('none' as const);
    rest = rest.slice(1);
  }
  const [only] = rest;
  if (!only) return inclusive ? ('all' as const) : ('none' as const);
  const op = sql.raw(inclusive ? '>=' : '>');
  const value = (c: (typeof rest)[number]) => (typeof c.cursor === 'number' ? sql`${c.cursor}::bigint` : sql`${c.cursor}`);
  if (rest.length === 1) return sql`${sql.ref(`t.${only.column}`)} ${op} ${value(only)}`;
  return sql`(${sql.join(rest.map((c) => sql.ref(`t.${c.column}`)))}) ${op} (${sql.join(rest.map(value))})`;
}

type Condition = ReturnType<typeof sql<unknown>>;

const orderColumns: Record<PageOrder, string> = {
  indicator: 't.indicator_code, t.unit_id, t.period_code',
  period: 't.period_code, t.indicator_code, t.unit_id',
};

/**
 * The rows of one kind as they were at `knownAt`: per key, the latest revision changed at or before it, unless that
 * was a remove. Plan (migration 0017; measured in docs/benchmarks.md): the revision table's key index (indicator,
 * unit, period, id) is read in order from the cursor, with the same conditions as today's rows (the key columns are
 * named alike), and the limit stops the scan; each revision read is kept only if it is its key's latest at the
 * instant, one backward descent of the same index. A page costs the revisions of its keys (and of removed keys it
 * skips), never a sort of the table: `distinct on` would sort every revision before the first row.
 * `id >=` the latest, not `=`: the same rows (the revision itself is one of those at or before the instant), but
 * the planner's estimate of an equality to a subquery is so low it would plan a scan of the table (and JIT it).
 */
function knownRows(kind: ValueKind, where: Condition, limit: number, knownAt: Date): Condition {
  const table = sql.table(kind === 'observed' ? 'observation_revision' : 'indicator_value_revision');
  const columns =
    kind === 'observed'
      ? sql`t.new_status as status, t.connection_id, null::jsonb as notes, t.units_via_succession`
      : sql`null as status, null as connection_id, t.notes, null::boolean as units_via_succession`;
  return sql`select t.indicator_code, t.unit_id, t.period_code, t.value, i.measure_unit, t.status, t.connection_id, t.sync_run_id,
                    t.changed_at, t.notes, t.units_via_succession
             from (
               select t.indicator_code, t.unit_id, t.period_code, t.new_value as value, t.sync_run_id, t.changed_at, ${columns}
               from ${table} t
               where ${where} and t.changed_at <= ${knownAt} and t.change <> 'remove'
                 and t.id >= (select n.id from ${table} n
                              where n.indicator_code = t.indicator_code and n.unit_id = t.unit_id and n.period_code = t.period_code and n.changed_at <= ${knownAt}
                              order by n.id desc limit 1)
               order by ${sql.raw(orderColumns.indicator)} limit ${limit}
             ) t
             join indicator i on i.code = t.indicator_code`;
}

/** Today's rows of one kind (tables observation and indicator_value), in `order`, at most `limit`. */
function currentRows(kind: ValueKind, where: Condition, by: Condition, limit: number): Condition {
  return kind === 'observed'
    ? sql`select t.indicator_code, t.unit_id, t.period_code, t.value, t.measure_unit, t.status, t.connection_id, t.sync_run_id,
                 t.updated_at as changed_at, null::jsonb as notes, t.units_via_succession
          from observation t where ${where} order by ${by} limit ${limit}`
    : sql`select t.indicator_code, t.unit_id, t.period_code, t.value, i.measure_unit, null as status, null as connection_id, t.sync_run_id,
                 t.computed_at as changed_at, t.notes, null::boolean as units_via_succession
          from (select * from indicator_value t where ${where} order by ${by} limit ${limit}) t
          join indicator i on i.code = t.indicator_code`;
}

/** Rows of one kind matching `conditions`, in `order`, at most `limit`: a top-N scan of an index, units joined to its rows only. */
async function select(db: Db, kind: ValueKind, conditions: readonly Condition[], order: PageOrder, limit: number, knownAt: Date | null): Promise<Row[]> {
  if (limit <= 0) return [];
  const where = sql.join([sql`true`, ...conditions], sql` and `);
  const inner = knownAt === null ? currentRows(kind, where, sql.raw(orderColumns[order]), limit) : knownRows(kind, where, limit, knownAt);
  // A lookup per row (the lateral `limit 1` keeps the planner from hashing the whole unit table for a page).
  const r = await sql<Row>`
    select v.*, u.code, u.level, u.name, u.valid_from, u.valid_to
    from (${inner}) v
    cross join lateral (select code, level, name, valid_from, valid_to from admin_unit where id = v.unit_id limit 1) u
    order by ${sql.raw(orderColumns[order].replace(/t\./g, 'v.'))}`.execute(db);
  return r.rows;
}

/** One kind's rows after `after` (inclusive of its key for the computed kind after an observed item), at most `limit`. */
async function readKind(db: Db, kind: ValueKind, filter: ValueFilter, after: PagePosition | null, limit: number): Promise<Row[]> {
  const inclusive = after !== null && kind === 'computed' && after.kind === 'observed';
  const indicator = filter.indicator === null ? [] : [sql`t.indicator_code = ${filter.indicator}`];
  if (orderOf(filter) === 'indicator') {
    const conditions = [...indicator];
    if (filter.unitId !== null) conditions.push(sql`t.unit_id = ${filter.unitId}`);
    if (filter.periods !== null) {
      // The bounds narrow the index range (codes sort by year first); the list keeps exactly the periods asked for.
      const sorted = [...filter.periods].sort();
      conditions.push(sql`t.period_code between ${sorted[0]} and ${sorted[sorted.length - 1]}`);
      conditions.push(sql`t.period_code = any(${sorted}::text[])`);
    }
    if (after !== null) {
      const cond = afterCondition([
        { column: 'indicator_code', cursor: after.indicator, fixed: filter.indicator },
        { column: 'unit_id', cursor: after.unitId, fixed: filter.unitId },
        { column: 'period_code', cursor: after.period, fixed: null },
      ], inclusive);
      if (cond === 'none') return [];
      if (cond !== 'all') conditions.push(cond);
    }
    return select(db, kind, conditions, 'indicator', limit, filter.knownAt);
  }
  // Period first: the rest of the cursor's period, then the periods after it, each a descent of the period index.
  const periods = [...(filter.periods ?? [])].sort();
  const rows: Row[] = [];
  let later = periods;
  if (after !== null) {
    later = periods.filter((p) => p > after.period);
    if (periods.includes(after.period)) {
      const cond = afterCondition([
        { column: 'indicator_code', cursor: after.indicator, fixed: filter.indicator },
        { column: 'unit_id', cursor: after.unitId, fixed: null },
      ], inclusive);
      if (cond !== 'none') {
        const conditions = [sql`t.period_code = ${after.period}`, ...indicator, ...(cond === 'all' ? [] : [cond])];
        rows.push(...(await select(db, kind, conditions, 'period', limit, null)));
      }
    }
  }
  if (later.length > 0 && rows.length < limit) rows.push(...(await select(db, kind, [sql`t.period_code = any(${later}::text[])`, ...indicator], 'period', limit - rows.length, null)));
  return rows;
}

const kindOrder: Record<ValueKind, number> = { observed: 0, computed: 1 };

interface KeyRow {
  indicator_code: string;
  unit_id: number;
  period_code: string;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compare(order: PageOrder, a: KeyRow, ak: ValueKind, b: KeyRow, bk: ValueKind): number {
  const indicator = compareText(a.indicator_code, b.indicator_code);
  const unit = a.unit_id - b.unit_id;
  const period = compareText(a.period_code, b.period_code);
  const [first, second, third] = order === 'indicator' ? [indicator, unit, period] : [period, indicator, unit];
  return first || second || third || kindOrder[ak] - kindOrder[bk];
}

function toItem(kind: ValueKind, r: Row): ValueItem {
  return {
    kind,
    indicator: r.indicator_code,
    unit: { id: r.unit_id, code: r.code, level: r.level, name: r.name, validFrom: r.valid_from, validTo: r.valid_to },
    period: r.period_code,
    periodType: periodKindOf(r.period_code),
    value: r.value,
    measureUnit: r.measure_unit,
    status: r.status,
    connectionId: r.connection_id,
    runId: r.sync_run_id,
    updatedAt: r.changed_at,
    notes: r.notes ?? [],
    unitsViaSuccession: r.units_via_succession,
  };
}

/** One page of values matching `filter`, starting after `after` (null: from the start). */
export async function readValuePage(db: Db, filter: ValueFilter, after: PagePosition | null, limit: number): Promise<ValuePage> {
  if (filter.periods !== null && filter.periods.length === 0) return { items: [], next: null };
  const order = orderOf(filter);
  if (after !== null && after.order !== order) throw new Error('the cursor is a position in another order');
  const kinds = filter.kind === null ? valueKinds : [filter.kind];
  // One more than the page, so we know whether another page follows.
  const runs = await Promise.all(kinds.map(async (kind) => (await readKind(db, kind, filter, after, limit + 1)).map((row) => ({ kind, row }))));
  const merged = runs.flat().sort((a, b) => compare(order, a.row, a.kind, b.row, b.kind));
  const page = merged.slice(0, limit);
  const last = page.at(-1);
  const next =
    merged.length > limit && last
      ? { order, indicator: last.row.indicator_code, unitId: last.row.unit_id, period: last.row.period_code, kind: last.kind }
      : null;
  return { items: page.map((x) => toItem(x.kind, x.row)), next };
}

/** Period codes of the warehouse's period table within [from, to] (by their days) and of the given kinds. */
export async function periodCodesWithin(db: Db, range: { startsOn: string | null; endsOn: string | null; kinds: readonly PeriodKind[] | null }): Promise<string[]> {
  let q = db.selectFrom('period').select('code');
  if (range.startsOn !== null) q = q.where('starts_on', '>=', range.startsOn);
  if (range.endsOn !== null) q = q.where('ends_on', '<=', range.endsOn);
  if (range.kinds !== null) q = q.where('kind', 'in', [...range.kinds]);
  return (await q.orderBy('code').execute()).map((r) => r.code);
}
