import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../warehouse/database.js';
import { observationRevisionBatch } from '../warehouse/observations.js';

export const observationChangedEvent = 'vn.lgsp.observation.changed.v1';
export const observationRemovedEvent = 'vn.lgsp.observation.removed.v1';
/** The relay found the stream had lost events it published and the outbox no longer held some of them. */
export const streamResetEvent = 'vn.lgsp.stream.reset';

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

/** An outbox row that is one event (a sync completed or failed, a computed value changed). */
interface PlainRow {
  seq: number;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** One revision of a batch row, as stored: unit and indicator are looked up once per read, not joined per row. */
interface RevisionRow {
  seq: number;
  created_at: Date;
  id: number;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  change: 'insert' | 'update' | 'remove';
  new_value: string | null;
  old_value: string | null;
  new_status: string | null;
  old_status: string | null;
  connection_id: string | null;
  sync_run_id: number | null;
}

interface UnitRow { id: number; code: string; name: string; level: string }

/** Which outbox rows to read: a round's rows by seq, or the events after a position. */
type Selection = { readonly seqs: readonly number[] } | { readonly after: OutboxPosition; readonly limit: number };

function plainRows(db: Db, selection: Selection) {
  const where = 'seqs' in selection ? sql`seq = any(${selection.seqs}::bigint[])` : sql`seq > ${selection.after.seq}`;
  return sql<PlainRow>`
    select seq, type, subject, data, created_at from outbox_event
    where revision_ids is null and ${where} order by seq ${limitOf(selection)}`.execute(db);
}

function revisionRows(db: Db, selection: Selection) {
  const where = 'seqs' in selection
    ? sql`e.seq = any(${selection.seqs}::bigint[])`
    : sql`e.seq >= ${selection.after.seq} and (e.seq > ${selection.after.seq} or r.id > ${selection.after.revisionId})`;
  return sql<RevisionRow>`
    select e.seq, e.created_at, r.id, r.indicator_code, r.unit_id, r.period_code, r.change,
           r.new_value::text as new_value, r.old_value::text as old_value, r.new_status, r.old_status, r.connection_id, r.sync_run_id
    from outbox_event e
    cross join lateral unnest(e.revision_ids) as batch (revision_id)
    join observation_revision r on r.id = batch.revision_id
    where e.type = ${observationRevisionBatch} and ${where}
    order by e.seq, r.id ${limitOf(selection)}`.execute(db);
}

function limitOf(selection: Selection): RawBuilder<unknown> {
  return 'limit' in selection ? sql`limit ${selection.limit}` : sql``;
}

/**
 * The events of the selected outbox rows, in order (by row, then revision). A batch row's revisions are rendered
 * one event each, with what downstream reads: unit code and name, old and new value and status, unit of measure,
 * connection and run. Units and indicators are read once for the whole selection, which costs far less than a
 * join per revision when a page holds thousands.
 */
async function readEvents(db: Db, selection: Selection): Promise<OutboxEvent[]> {
  const [plain, revisions] = await Promise.all([plainRows(db, selection), revisionRows(db, selection)]);
  const unitIds = [...new Set(revisions.rows.map((r) => r.unit_id))];
  const indicatorCodes = [...new Set(revisions.rows.map((r) => r.indicator_code))];
  const [units, indicators] = await Promise.all([
    unitIds.length === 0 ? [] : db.selectFrom('admin_unit').select(['id', 'code', 'name', 'level']).where('id', '=', sql<number>`any(${unitIds}::bigint[])`).execute(),
    indicatorCodes.length === 0 ? [] : db.selectFrom('indicator').select(['code', 'measure_unit']).where('code', 'in', indicatorCodes).execute(),
  ]);
  const unitById = new Map<number, UnitRow>(units.map((u) => [u.id, u]));
  const measureUnitOf = new Map(indicators.map((i) => [i.code, i.measure_unit]));

  const events: OutboxEvent[] = [];
  let p = 0;
  for (const r of revisions.rows) {
    for (; p < plain.rows.length && (plain.rows[p]?.seq ?? Infinity) < r.seq; p++) events.push(plainEvent(plain.rows[p] as PlainRow));
    events.push(revisionEvent(r, unitById.get(r.unit_id), measureUnitOf.get(r.indicator_code) ?? null));
  }
  for (; p < plain.rows.length; p++) events.push(plainEvent(plain.rows[p] as PlainRow));
  return 'limit' in selection ? events.slice(0, selection.limit) : events;
}

function plainEvent(r: PlainRow): OutboxEvent {
  return { id: `event-${r.seq}`, seq: r.seq, type: r.type, subject: r.subject, time: r.created_at.toISOString(), data: r.data };
}

function revisionEvent(r: RevisionRow, unit: UnitRow | undefined, unitOfMeasure: string | null): OutboxEvent {
  // The unit row is never deleted while revisions name it (reference loads only add and close validity), so a
  // missing one is a broken warehouse: say which id rather than publish an event without its unit.
  if (!unit) throw new Error(`observation revision ${r.id} names admin unit ${r.unit_id}, which does not exist`);
  return {
    id: `revision-${r.id}`,
    seq: r.seq,
    type: r.change === 'remove' ? observationRemovedEvent : observationChangedEvent,
    subject: `${r.indicator_code}/${unit.code}/${r.period_code}`,
    time: r.created_at.toISOString(),
    data: {
      indicator: r.indicator_code,
      unit: { id: unit.id, code: unit.code, name: unit.name, level: unit.level },
      period: r.period_code,
      change: r.change,
      value: r.new_value,
      previousValue: r.old_value,
      status: r.new_status,
      previousStatus: r.old_status,
      unitOfMeasure,
      connectionId: r.connection_id,
      runId: r.sync_run_id,
    },
  };
}

/** The events after `after`, in order (by outbox row, then revision), at most `limit`. */
export function readOutboxEvents(db: Db, after: OutboxPosition = { seq: 0, revisionId: 0 }, limit = 1000): Promise<OutboxEvent[]> {
  return readEvents(db, { after, limit });
}

/**
 * The oldest unpublished outbox rows holding about `events` events (whole rows, at least one), with their events.
 * Counting events rather than rows keeps a round's size even: a page's batch row holds thousands, a computed
 * value's row one.
 */
export async function readUnpublished(db: Db, events: number): Promise<{ seqs: number[]; events: OutboxEvent[] }> {
  const { rows } = await sql<{ seq: number }>`
    select seq from (
      select seq, sum(n) over (order by seq) - n as before
      from (select seq, coalesce(cardinality(revision_ids), 1) as n from outbox_event
            where published_at is null order by seq limit ${Math.max(1, events)}) pending
    ) counted
    where before < ${events} order by seq`.execute(db);
  const seqs = rows.map((r) => r.seq);
  return { seqs, events: seqs.length === 0 ? [] : await readEvents(db, { seqs }) };
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
