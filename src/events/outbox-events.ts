import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../warehouse/database.js';
import { observationRevisionBatch } from '../warehouse/observations.js';

export const observationChangedEvent = 'vn.lgsp.observation.changed.v1';
export const observationRemovedEvent = 'vn.lgsp.observation.removed.v1';

/** One change event as committed: what the relay publishes. */
export interface OutboxEvent {
  /** Stable across redeliveries: `revision-<id>` for an observation change, `event-<seq>` otherwise. */
  readonly id: string;
  /** The outbox row it comes from (publication order). */
  readonly seq: number;
  readonly type: string;
  /** `<indicator>/<unit code>/<period>`, or `sync/<connection>/<run>`. */
  readonly subject: string;
  readonly time: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface OutboxPosition {
  readonly seq: number;
  /** Within a batch of revisions: the last revision id read; 0 before the first. */
  readonly revisionId: number;
}

interface EventRow {
  seq: number;
  revision_id: number | null;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** The events of the outbox rows `rows` selects (a subquery of outbox_event), each batch expanded, in order. */
function eventsOf(rows: RawBuilder<unknown>, after: OutboxPosition, limit: number | null) {
  return sql<EventRow>`
    select * from (
      select e.seq, null::bigint as revision_id, e.type, e.subject, e.data, e.created_at
      from ${rows} e
      where e.revision_ids is null and e.seq > ${after.seq}
      union all
      select e.seq, r.id, case r.change when 'remove' then ${observationRemovedEvent} else ${observationChangedEvent} end,
             r.indicator_code || '/' || u.code || '/' || r.period_code,
             jsonb_build_object(
               'indicator', r.indicator_code, 'unit', jsonb_build_object('id', u.id, 'code', u.code, 'name', u.name, 'level', u.level),
               'period', r.period_code, 'change', r.change,
               'value', r.new_value::text, 'previousValue', r.old_value::text,
               'status', r.new_status, 'previousStatus', r.old_status, 'unitOfMeasure', i.measure_unit,
               'connectionId', r.connection_id, 'runId', r.sync_run_id),
             e.created_at
      from ${rows} e
      cross join lateral unnest(e.revision_ids) as batch (revision_id)
      join observation_revision r on r.id = batch.revision_id
      join admin_unit u on u.id = r.unit_id
      join indicator i on i.code = r.indicator_code
      where e.type = ${observationRevisionBatch} and e.seq >= ${after.seq} and (e.seq > ${after.seq} or r.id > ${after.revisionId})
    ) events
    order by seq, revision_id nulls first
    ${limit === null ? sql`` : sql`limit ${limit}`}`;
}

function toEvent(r: EventRow): OutboxEvent {
  return {
    id: r.revision_id === null ? `event-${r.seq}` : `revision-${r.revision_id}`,
    seq: r.seq,
    type: r.type,
    subject: r.subject,
    time: r.created_at.toISOString(),
    data: r.data,
  };
}

/**
 * The events after `after`, in order (by outbox row, then revision), at most `limit`: a page's batch of revisions
 * is rendered one event per revision, with the data downstream reads (unit code and name, old and new value and
 * status, unit of measure, connection and run).
 */
export async function readOutboxEvents(db: Db, after: OutboxPosition = { seq: 0, revisionId: 0 }, limit = 1000): Promise<OutboxEvent[]> {
  const { rows } = await eventsOf(sql`outbox_event`, after, limit).execute(db);
  return rows.map(toEvent);
}

/** The outbox rows not yet published, oldest first, at most `rows` of them, with all their events. */
export async function readUnpublished(db: Db, rows: number): Promise<{ seqs: number[]; events: OutboxEvent[] }> {
  const pending = await db.selectFrom('outbox_event').select('seq').where('published_at', 'is', null).orderBy('seq').limit(rows).execute();
  const seqs = pending.map((p) => p.seq);
  if (seqs.length === 0) return { seqs, events: [] };
  const selected = sql`(select * from outbox_event where seq = any(${seqs}::bigint[]))`;
  const { rows: events } = await eventsOf(selected, { seq: 0, revisionId: 0 }, null).execute(db);
  return { seqs, events: events.map(toEvent) };
}

/** Marks outbox rows published (after their events were delivered: a crash before this redelivers them). */
export async function markPublished(db: Db, seqs: readonly number[]): Promise<void> {
  if (seqs.length > 0) await sql`update outbox_event set published_at = now() where seq = any(${seqs}::bigint[])`.execute(db);
}

/** Deletes rows published longer ago than `olderThanHours`; returns how many. */
export async function prunePublished(db: Db, olderThanHours: number): Promise<number> {
  const r = await sql`delete from outbox_event where published_at < now() - make_interval(hours => ${olderThanHours})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
