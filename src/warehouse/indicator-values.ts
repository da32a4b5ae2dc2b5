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
 * Marks values to recompute; written in the page's transaction, so a crash cannot lose the marks. Marks are only
 * ever added (never merged into an existing row), so a page never waits for a refresh holding the same keys.
 */
export async function markDirty(db: Db, keys: readonly DirtyKey[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    insert into indicator_value_dirty (indicator_code, unit_id, period_code)
    select * from unnest(${keys.map((k) => k.indicator)}::text[], ${keys.map((k) => k.unitId)}::bigint[], ${keys.map((k) => k.period)}::text[])`.execute(db);
}

/** The units that have dirty keys (a few hundred at most: values are materialised for provinces). */
export async function dirtyUnits(db: Db): Promise<number[]> {
  const r = await sql<{ unit_id: number }>`select distinct unit_id from indicator_value_dirty order by unit_id`.execute(db);
  return r.rows.map((x) => x.unit_id);
}

export interface ClaimedMarks {
  /** The marks taken, to clear once their keys are written. */
  readonly markIds: readonly number[];
  /** Their keys, each once. */
  readonly keys: readonly DirtyKey[];
}

/**
 * Takes up to `limit` marks of the given units, locking them so parallel refreshes share the work. Ordered by
 * period, so a batch cut short by the limit holds whole years where it can (their months load together).
 */
export async function claimDirty(db: Db, unitIds: readonly number[], limit: number): Promise<ClaimedMarks> {
  const r = await sql<{ id: number; indicator_code: string; unit_id: number; period_code: string }>`
    select id, indicator_code, unit_id, period_code from indicator_value_dirty
    where unit_id = any(${unitIds}::bigint[])
    order by period_code, unit_id, indicator_code
    limit ${limit} for update skip locked`.execute(db);
  const keys = new Map<string, DirtyKey>();
  for (const x of r.rows) keys.set(`${x.indicator_code}|${x.unit_id}|${x.period_code}`, { indicator: x.indicator_code, unitId: x.unit_id, period: x.period_code });
  return { markIds: r.rows.map((x) => x.id), keys: [...keys.values()] };
}

/** Clears claimed marks (same transaction as the claim and the write). Marks added since stay. */
export async function clearMarks(db: Db, markIds: readonly number[]): Promise<void> {
  if (markIds.length === 0) return;
  await sql`delete from indicator_value_dirty where id = any(${markIds}::bigint[])`.execute(db);
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
 * Writes recomputed values where they differ (with an event each) and removes values that no longer exist (with
 * an event), each change with its revision (indicator_value_revision: what `knownAt` reads), in one statement.
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
      returning indicator_code, unit_id, period_code, value, notes, (xmax = 0) as inserted
    ),
    removed as (
      delete from indicator_value iv using computed c
      where c.value is null and iv.indicator_code = c.indicator_code and iv.unit_id = c.unit_id and iv.period_code = c.period_code
      returning iv.indicator_code, iv.unit_id, iv.period_code, iv.value
    ),
    -- Every row written, notes-only changes too (no event for those), so the history replays the table exactly.
    revisions as (
      insert into indicator_value_revision (indicator_code, unit_id, period_code, change, old_value, new_value, notes, sync_run_id)
      select u.indicator_code, u.unit_id, u.period_code, case when u.inserted then 'insert' else 'update' end, p.value, u.value, u.notes, ${runId}::bigint
      from upserted u left join previous p using (indicator_code, unit_id, period_code)
      union all
      select indicator_code, unit_id, period_code, 'remove', value, null, null, ${runId}::bigint from removed
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
    )
    select change, count(*)::int as n from changes group by change`.execute(db);
  const count = (c: string) => r.rows.find((x) => x.change === c)?.n ?? 0;
  return { changed: count('changed'), removed: count('removed') };
}
