import { sql } from 'kysely';
import type { EgressPolicy } from '../../boundary/egress.js';
import type { Db } from '../../warehouse/database.js';
import { attemptDelivery, type AttemptResult } from './delivery.js';
import { getWebhookSubscription, recordAttemptFailure } from './subscriptions.js';

/** An event given up on after its last attempt. */
export interface DeadLetter {
  readonly id: number;
  readonly subscriptionId: string;
  readonly streamEntryId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subject: string;
  /** The CloudEvent as it was sent. */
  readonly event: Readonly<Record<string, unknown>>;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly failedAt: Date;
  /** When a redelivery succeeded; null while it waits for one. */
  readonly redeliveredAt: Date | null;
}

export interface NewDeadLetter {
  readonly subscriptionId: string;
  readonly streamEntryId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subject: string;
  /** The structured CloudEvent JSON exactly as sent. */
  readonly body: string;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/**
 * Records an event given up on. Written before the stream entry is acknowledged: a dispatcher killed in between
 * tries the event again and, failing again, updates this same row (one per subscription and entry).
 */
export async function writeDeadLetter(db: Db, d: NewDeadLetter): Promise<void> {
  await db
    .insertInto('webhook_dead_letter')
    .values({
      subscription_id: d.subscriptionId, stream_entry_id: d.streamEntryId, event_id: d.eventId, event_type: d.eventType, subject: d.subject,
      event: d.body, attempts: d.attempts, last_status: d.lastStatus, last_error: d.lastError,
    })
    .onConflict((oc) => oc.columns(['subscription_id', 'stream_entry_id']).doUpdateSet((eb) => ({
      attempts: sql<number>`${eb.ref('webhook_dead_letter.attempts')} + ${eb.ref('excluded.attempts')}`,
      last_status: eb.ref('excluded.last_status'),
      last_error: eb.ref('excluded.last_error'),
      failed_at: eb.ref('excluded.failed_at'),
      redelivered_at: null,
    })))
    .execute();
}

function deadLetterQuery(db: Db) {
  return db.selectFrom('webhook_dead_letter').selectAll();
}

type DeadLetterRow = Awaited<ReturnType<ReturnType<typeof deadLetterQuery>['executeTakeFirstOrThrow']>>;

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  return {
    id: r.id, subscriptionId: r.subscription_id, streamEntryId: r.stream_entry_id, eventId: r.event_id, eventType: r.event_type, subject: r.subject,
    event: r.event, attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error, failedAt: r.failed_at, redeliveredAt: r.redelivered_at,
  };
}

export interface DeadLetterQuery {
  readonly subscriptionId?: string | undefined;
  /** true: only those waiting for a redelivery; false: only those redelivered; undefined: all. */
  readonly pending?: boolean | undefined;
  /** Newest first; `before` pages on (the last id of the previous page). */
  readonly before?: number | undefined;
  readonly limit?: number | undefined;
}

export async function listDeadLetters(db: Db, q: DeadLetterQuery = {}): Promise<DeadLetter[]> {
  let query = deadLetterQuery(db).orderBy('id', 'desc').limit(q.limit ?? 100);
  if (q.subscriptionId !== undefined) query = query.where('subscription_id', '=', q.subscriptionId);
  if (q.pending !== undefined) query = query.where('redelivered_at', q.pending ? 'is' : 'is not', null);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return (await query.execute()).map(toDeadLetter);
}

export async function getDeadLetter(db: Db, id: number): Promise<DeadLetter | undefined> {
  const row = await deadLetterQuery(db).where('id', '=', id).executeTakeFirst();
  return row && toDeadLetter(row);
}

/**
 * Delivers a dead letter once, now, to its subscription (signed afresh, the same body and event id). On success
 * the dead letter is marked redelivered; on failure its attempts and last error (the status or a failure class,
 * never what the receiver wrote) are updated. Undefined when there is no such dead letter.
 */
export async function redeliverDeadLetter(db: Db, id: number, options: { readonly timeoutMs: number; readonly egress: EgressPolicy }): Promise<{ deadLetter: DeadLetter; result: AttemptResult } | undefined> {
  const found = await db
    .selectFrom('webhook_dead_letter as d')
    .select(['d.subscription_id', 'd.event_id', sql<string>`d.event::text`.as('body')])
    .where('d.id', '=', id)
    .executeTakeFirst();
  // A subscription's dead letters go with it (on delete cascade): it exists unless removed just now.
  const subscription = found && (await getWebhookSubscription(db, found.subscription_id));
  if (!found || !subscription) return undefined;
  const result = await attemptDelivery(subscription, { eventId: found.event_id, body: found.body }, options);
  if (result.ok) {
    await db.updateTable('webhook_dead_letter').set({ redelivered_at: new Date() }).where('id', '=', id).execute();
  } else {
    await db
      .updateTable('webhook_dead_letter')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_status: result.status, last_error: result.error }))
      .where('id', '=', id)
      .execute();
    await recordAttemptFailure(db, found.subscription_id, result.error ?? 'failed');
  }
  const deadLetter = await getDeadLetter(db, id);
  if (!deadLetter) return undefined;
  return { deadLetter, result };
}
