import { sql } from 'kysely';
import type { Db } from './database.js';

export const aggregateChangedEvent = 'vn.lgsp.aggregate.changed.v1';
export const aggregateRemovedEvent = 'vn.lgsp.aggregate.removed.v1';

export interface DirtyKey {
  readonly indicator: string;
  readonly unitId: number;
  readonly period: string;
}

/**
 * Marks values to recompute; written in the page's transaction, so a crash cannot lose the marks. A key already
 * marked is touched, not skipped: if a refresh holds it (computing from data that predates this page), the
 * update waits for that refresh to commit and then marks the key again, so this page's change is not lost.
 */
export async function markDirty(db: Db, keys: readonly DirtyKey[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    insert into indicator_value_dirty (indicator_code, unit_id, period_code)
    select * from unnest(${keys.map((k) => k.indicator)}::text[], ${keys.map((k) => k.unitId)}::bigint[], ${keys.map((k) => k.period)}::text[])
    on conflict (indicator_code, unit_id, period_code) do update set marked_at = excluded.marked_at`.execute(db);
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
    ),
    cleared as (
      delete from indicator_value_dirty d using computed c
      where d.indicator_code = c.indicator_code and d.unit_id = c.unit_id and d.period_code = c.period_code
    )
    select change, count(*)::int as n from changes group by change`.execute(db);
  const count = (c: string) => r.rows.find((x) => x.change === c)?.n ?? 0;
  return { changed: count('changed'), removed: count('removed') };
}
