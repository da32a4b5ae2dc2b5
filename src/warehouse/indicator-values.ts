import { sql } from 'kysely';
import type { ObservationKey } from './contributions.js';
import type { Db } from './database.js';

export const aggregateChangedEvent = 'vn.lgsp.aggregate.changed.v1';
export const aggregateRemovedEvent = 'vn.lgsp.aggregate.removed.v1';

/** Which indicators depend on which: an input's change makes its derived and weighted indicators dirty too. */
export interface IndicatorDependencies {
  /** (source, dependent) pairs, the source itself included: DVC_DOSSIERS_NEW -> DVC_ONLINE_RATE, ... */
  readonly sameYear: readonly (readonly [string, string])[];
  /** Growth indicators read the previous year: a change in year Y also changes growth in Y + 1. */
  readonly nextYear: readonly (readonly [string, string])[];
}

/**
 * Marks every materialised value that may follow from the changed observations: the same and dependent
 * indicators, for every province the unit is or rolls up into (its own province, the province its legacy
 * province merged into), for the period and the periods that contain it. Runs in the page's transaction.
 *
 * Values are materialised at province level, what the province reports and dashboards read. A commune's
 * figures are its observations; its rollups over time and derived ratios are cheap to compute on demand
 * (`aggregate`), while materialising them would multiply the work of a large sync tenfold.
 */
export async function markDependents(db: Db, keys: readonly ObservationKey[], deps: IndicatorDependencies): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    with recursive base (indicator_code, unit_id, period_code) as (
      select distinct * from unnest(${keys.map((k) => k.indicator)}::text[], ${keys.map((k) => k.unitId)}::bigint[], ${keys.map((k) => k.period)}::text[])
    ),
    up (start_id, unit_id) as (
      select distinct unit_id, unit_id from base
      union
      select up.start_id, n.id from up
      cross join lateral (
        select a.parent_id as id from admin_unit a where a.id = up.unit_id and a.level = 'commune' and a.parent_id is not null
        union all
        select s.successor_id from admin_unit_succession s where s.predecessor_id = up.unit_id and not s.divided
      ) n
    ),
    containing (start_code, code) as (
      select distinct period_code, period_code from base
      union
      select c.start_code, p.parent from containing c join period p on p.code = c.code where p.parent is not null
    ),
    same_year (source, dependent) as (
      select * from unnest(${deps.sameYear.map((d) => d[0])}::text[], ${deps.sameYear.map((d) => d[1])}::text[])
    ),
    next_year (source, dependent) as (
      select * from unnest(${deps.nextYear.map((d) => d[0])}::text[], ${deps.nextYear.map((d) => d[1])}::text[])
    ),
    provinces (start_id, unit_id) as (
      select up.start_id, up.unit_id from up join admin_unit a on a.id = up.unit_id where a.level = 'province'
    )
    insert into indicator_value_dirty (indicator_code, unit_id, period_code)
    select d.dependent, p.unit_id, c.code
    from base b join provinces p on p.start_id = b.unit_id join containing c on c.start_code = b.period_code
    join same_year d on d.source = b.indicator_code
    union
    select d.dependent, p.unit_id, (left(c.code, 4)::int + 1)::text
    from base b join provinces p on p.start_id = b.unit_id join containing c on c.start_code = b.period_code
    join next_year d on d.source = b.indicator_code
    where c.code ~ '^[0-9]{4}$'
    on conflict do nothing`.execute(db);
}

export interface DirtyKey {
  readonly indicator: string;
  readonly unitId: number;
  readonly period: string;
}

/** Takes up to `limit` dirty keys, locking them so parallel workers share the work. */
export async function claimDirty(db: Db, limit: number): Promise<DirtyKey[]> {
  const r = await sql<{ indicator_code: string; unit_id: number; period_code: string }>`
    select indicator_code, unit_id, period_code from indicator_value_dirty
    order by unit_id, indicator_code, period_code
    limit ${limit} for update skip locked`.execute(db);
  return r.rows.map((x) => ({ indicator: x.indicator_code, unitId: x.unit_id, period: x.period_code }));
}

export interface ComputedValue extends DirtyKey {
  /** Exact decimal text; null when the rules give no value. */
  readonly value: string | null;
  readonly notes: readonly string[];
}

export interface ValueChanges {
  readonly changed: number;
  readonly removed: number;
}

/**
 * Writes recomputed values where they differ (with an event each), removes values that no longer exist (with
 * an event), and clears the keys' dirty marks. Same transaction as the claim.
 */
export async function writeIndicatorValues(db: Db, runId: number | null, values: readonly ComputedValue[]): Promise<ValueChanges> {
  if (values.length === 0) return { changed: 0, removed: 0 };
  const r = await sql<{ change: string; n: number }>`
    with computed (indicator_code, unit_id, period_code, value, notes) as (
      select * from unnest(${values.map((v) => v.indicator)}::text[], ${values.map((v) => v.unitId)}::bigint[], ${values.map((v) => v.period)}::text[],
                           ${values.map((v) => v.value)}::numeric[], ${values.map((v) => JSON.stringify(v.notes))}::jsonb[])
    ),
    previous as (
      select iv.indicator_code, iv.unit_id, iv.period_code, iv.value from indicator_value iv join computed c using (indicator_code, unit_id, period_code)
    ),
    upserted as (
      insert into indicator_value (indicator_code, unit_id, period_code, value, notes, sync_run_id)
      select indicator_code, unit_id, period_code, value, notes, ${runId}::bigint from computed where value is not null
      on conflict (indicator_code, unit_id, period_code) do update
        set value = excluded.value, notes = excluded.notes, sync_run_id = excluded.sync_run_id, computed_at = now()
        where (indicator_value.value, indicator_value.notes) is distinct from (excluded.value, excluded.notes)
      returning indicator_code, unit_id, period_code, value
    ),
    removed as (
      delete from indicator_value iv using computed c
      where c.value is null and iv.indicator_code = c.indicator_code and iv.unit_id = c.unit_id and iv.period_code = c.period_code
      returning iv.indicator_code, iv.unit_id, iv.period_code, iv.value
    ),
    changes as (
      select u.indicator_code, u.unit_id, u.period_code, 'changed' as change, u.value as new_value, p.value as old_value
      from upserted u left join previous p using (indicator_code, unit_id, period_code)
      where p.value is distinct from u.value
      union all
      select indicator_code, unit_id, period_code, 'removed', null, value from removed
    ),
    events as (
      insert into outbox_event (type, subject, data)
      select case when ch.change = 'removed' then ${aggregateRemovedEvent} else ${aggregateChangedEvent} end,
             ch.indicator_code || '/' || u.code || '/' || ch.period_code,
             jsonb_build_object('indicator', ch.indicator_code,
               'unit', jsonb_build_object('id', u.id, 'code', u.code, 'name', u.name, 'level', u.level),
               'period', ch.period_code, 'value', ch.new_value::text, 'previousValue', ch.old_value::text, 'runId', ${runId}::bigint)
      from changes ch join admin_unit u on u.id = ch.unit_id
      order by ch.indicator_code, u.code, ch.period_code
    ),
    cleared as (
      delete from indicator_value_dirty d using computed c
      where d.indicator_code = c.indicator_code and d.unit_id = c.unit_id and d.period_code = c.period_code
    )
    select change, count(*)::int as n from changes group by change`.execute(db);
  const count = (c: string) => r.rows.find((x) => x.change === c)?.n ?? 0;
  return { changed: count('changed'), removed: count('removed') };
}
