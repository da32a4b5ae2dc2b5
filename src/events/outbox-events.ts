import { sql } from 'kysely';
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

/**
 * The events after `after`, in order (by outbox row, then revision), at most `limit`: a page's batch of revisions
 * is rendered one event per revision, with the data downstream reads (unit code and name, old and new value and
 * status, unit of measure, connection and run).
 */
export async function readOutboxEvents(db: Db, after: OutboxPosition = { seq: 0, revisionId: 0 }, limit = 1000): Promise<OutboxEvent[]> {
  const { rows } = await sql<EventRow>`
    select * from (
      select e.seq, null::bigint as revision_id, e.type, e.subject, e.data, e.created_at
      from outbox_event e
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
      from outbox_event e
      cross join lateral unnest(e.revision_ids) as batch (revision_id)
      join observation_revision r on r.id = batch.revision_id
      join admin_unit u on u.id = r.unit_id
      join indicator i on i.code = r.indicator_code
      where e.type = ${observationRevisionBatch} and e.seq >= ${after.seq} and (e.seq > ${after.seq} or r.id > ${after.revisionId})
    ) events
    order by seq, revision_id nulls first
    limit ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.revision_id === null ? `event-${r.seq}` : `revision-${r.revision_id}`,
    seq: r.seq,
    type: r.type,
    subject: r.subject,
    time: r.created_at.toISOString(),
    data: r.data,
  }));
}
