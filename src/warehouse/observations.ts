import { sql } from 'kysely';
import type { ObservationKey } from './contributions.js';
import type { Db } from './database.js';
import type { StreamRef } from './source-records.js';

export interface ObservationChanges {
  readonly inserted: number;
  readonly updated: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Outbox events written with the changes, in the same transaction. */
  readonly events: number;
}

/** The outbox row of a page's observation revisions; each revision is published as a changed or removed event. */
export const observationRevisionBatch = 'vn.lgsp.observation.revisions';

function uniqueKeys(keys: readonly ObservationKey[]): ObservationKey[] {
  const seen = new Map<string, ObservationKey>();
  for (const k of keys) seen.set(`${k.indicator}|${k.unitId}|${k.period}`, k);
  return [...seen.values()];
}

/**
 * Recomputes the observations of `keys` from their contributions and writes, in one statement, only what
 * changed: the observation and its revision (old and new value, run, the source records behind it), plus one outbox row naming the revisions,
 * each published as an event (src/events/outbox-events.ts).
 *
 * - value: the sum of the contributions of one connection. If two connections feed the same key, the one whose
 *   contributions changed last wins (a later report supersedes an earlier one) and provenance names it.
 * - status: the weakest of the contributions (estimated < provisional < final).
 * - no contributions left: the observation is removed, with a revision and a `removed` event.
 */
export async function applyObservationChanges(db: Db, ref: StreamRef, keys: readonly ObservationKey[]): Promise<ObservationChanges> {
  const unique = uniqueKeys(keys);
  if (unique.length === 0) return { inserted: 0, updated: 0, removed: 0, unchanged: 0, events: 0 };
  const result = await sql<{ change: 'insert' | 'update' | 'remove'; n: number }>`
    with touched (indicator_code, unit_id, period_code) as (
      select * from unnest(${unique.map((k) => k.indicator)}::text[], ${unique.map((k) => k.unitId)}::bigint[], ${unique.map((k) => k.period)}::text[])
    ),
    -- Lateral lookups by key, never a join the planner could turn into a scan of the whole table: the tables grow
    -- much faster than their statistics during a large first sync.
    per_connection as (
      select t.indicator_code, t.unit_id, t.period_code, c.connection_id, c.value, c.weakness, c.changed_at, c.raw_record_ids, c.via_succession
      from touched t
      cross join lateral (
        select c.connection_id, sum(c.value) as value,
               max(case c.status when 'estimated' then 3 when 'provisional' then 2 else 1 end) as weakness,
               max(c.updated_at) as changed_at,
               array_agg(distinct c.raw_record_id order by c.raw_record_id) as raw_record_ids,
               bool_or(c.via_succession) as via_succession
        from observation_contribution c
        where c.indicator_code = t.indicator_code and c.unit_id = t.unit_id and c.period_code = t.period_code
        group by c.connection_id
      ) c
    ),
    desired as (
      select distinct on (indicator_code, unit_id, period_code)
             indicator_code, unit_id, period_code, connection_id, value, raw_record_ids, via_succession,
             (array['final', 'provisional', 'estimated'])[weakness] as status
      from per_connection
      order by indicator_code, unit_id, period_code, changed_at desc, connection_id
    ),
    upserted as (
      insert into observation (indicator_code, unit_id, period_code, value, status, measure_unit, connection_id, sync_run_id, raw_record_ids, units_via_succession)
      select d.indicator_code, d.unit_id, d.period_code, d.value, d.status, i.measure_unit, d.connection_id, ${ref.runId}, d.raw_record_ids, d.via_succession
      from desired d join indicator i on i.code = d.indicator_code
      on conflict (indicator_code, unit_id, period_code) do update
        set value = excluded.value, status = excluded.status, connection_id = excluded.connection_id,
            sync_run_id = excluded.sync_run_id, raw_record_ids = excluded.raw_record_ids,
            units_via_succession = excluded.units_via_succession, updated_at = now()
        where (observation.value, observation.status) is distinct from (excluded.value, excluded.status)
      returning indicator_code, unit_id, period_code, value, status, measure_unit, connection_id, raw_record_ids, units_via_succession, (xmax = 0) as inserted
    ),
    -- Keys left without contributions: their observation goes.
    gone as materialized (
      select t.* from touched t
      where not exists (select 1 from desired d where d.indicator_code = t.indicator_code and d.unit_id = t.unit_id and d.period_code = t.period_code)
    ),
    removed as (
      delete from observation o
      where o.id = any(array(
        select x.id from gone g
        cross join lateral (
          select id from observation
          where indicator_code = g.indicator_code and unit_id = g.unit_id and period_code = g.period_code
          limit 1
        ) x))
      returning o.indicator_code, o.unit_id, o.period_code, o.value, o.status, o.measure_unit, o.connection_id, o.raw_record_ids, o.units_via_succession
    ),
    -- Every part of the statement sees the table as it was before it: an updated row's previous value is read back
    -- from that, so only updates cost a lookup (a first sync only inserts).
    changes as (
      select u.indicator_code, u.unit_id, u.period_code, case when u.inserted then 'insert' else 'update' end as change,
             p.value as old_value, u.value as new_value, p.status as old_status, u.status as new_status, u.measure_unit, u.connection_id,
             u.raw_record_ids, u.units_via_succession
      from upserted u
      left join lateral (
        select o.value, o.status from observation o
        where not u.inserted and o.indicator_code = u.indicator_code and o.unit_id = u.unit_id and o.period_code = u.period_code
        limit 1
      ) p on true
      union all
      select r.indicator_code, r.unit_id, r.period_code, 'remove', r.value, null, r.status, null, r.measure_unit, r.connection_id,
             r.raw_record_ids, r.units_via_succession
      from removed r
    ),
    revisions as (
      insert into observation_revision (indicator_code, unit_id, period_code, change, old_value, new_value, old_status, new_status, connection_id, sync_run_id,
                                        raw_record_ids, units_via_succession)
      select indicator_code, unit_id, period_code, change, old_value, new_value, old_status, new_status, connection_id, ${ref.runId},
             raw_record_ids, units_via_succession
      from changes
      returning id
    ),
    events as (
      insert into outbox_event (type, revision_ids)
      select ${observationRevisionBatch}, array_agg(id order by id) from revisions having count(*) > 0
    )
    select change, count(*)::int as n from changes group by change`.execute(db);
  const count = (c: string) => result.rows.find((r) => r.change === c)?.n ?? 0;
  const inserted = count('insert');
  const updated = count('update');
  const removed = count('remove');
  const changed = inserted + updated + removed;
  return { inserted, updated, removed, unchanged: unique.length - changed, events: changed };
}
