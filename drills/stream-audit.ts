import type { Redis } from 'ioredis';
import { readOutboxEvents, type OutboxEvent } from '../src/events/outbox-events.js';
import type { Db } from '../src/warehouse/database.js';

/** The Redis Stream held against the outbox: what a consumer that drops duplicates by event id would see. */
export interface StreamAudit {
  readonly outboxEvents: number;
  readonly streamEntries: number;
  /** Outbox events never found on the stream. */
  readonly missing: number;
  /** Entries repeating an id already on the stream (at least once allows them; they are counted, not failed). */
  readonly duplicates: number;
  /** First deliveries that came after a later event of the same thing (an observation, or a computed value). */
  readonly outOfOrder: number;
  /**
   * First deliveries that came after a later event of the same subject text but another thing: an observation's
   * revision and the computed value of the same indicator, unit and period share a subject. Reported, not failed.
   */
  readonly outOfOrderAcrossKinds: number;
  /** Entries whose id no outbox event has (e.g. a stream-reset notice). */
  readonly foreign: number;
  /** The first event out of order, and the later one of its subject that came before it. */
  readonly firstOutOfOrder: string | null;
}

const chunk = 10_000;

/** Every outbox event's id and subject, in outbox order. */
async function outboxOrder(db: Db): Promise<Map<string, { position: number; subject: string }>> {
  const order = new Map<string, { position: number; subject: string }>();
  let last: OutboxEvent | undefined;
  for (;;) {
    const after = last ? { seq: last.seq, revisionId: last.id.startsWith('revision-') ? Number(last.id.slice('revision-'.length)) : Number.MAX_SAFE_INTEGER } : undefined;
    const events = await readOutboxEvents(db, after, chunk);
    for (const e of events) order.set(e.id, { position: order.size, subject: e.subject });
    last = events[events.length - 1];
    if (events.length < chunk) return order;
  }
}

function field(fields: readonly string[], name: string): string | undefined {
  const i = fields.indexOf(name);
  return i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
}

export async function auditStream(db: Db, redis: Redis, stream: string): Promise<StreamAudit> {
  const outbox = await outboxOrder(db);
  const seen = new Set<string>();
  const lastPositionOfThing = new Map<string, number>();
  const lastPositionOfSubject = new Map<string, number>();
  let entries = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let outOfOrderAcrossKinds = 0;
  let foreign = 0;
  let firstOutOfOrder: string | null = null;
  let start = '-';
  for (;;) {
    const batch = await redis.xrange(stream, start, '+', 'COUNT', chunk);
    for (const [, fields] of batch) {
      entries++;
      const id = field(fields, 'id') ?? '';
      const event = outbox.get(id);
      if (!event) foreign++;
      else if (seen.has(id)) duplicates++;
      else {
        seen.add(id);
        const thing = `${id.startsWith('revision-') ? 'observation' : 'event'} ${event.subject}`;
        const latestOfThing = lastPositionOfThing.get(thing) ?? -1;
        const latestOfSubject = lastPositionOfSubject.get(event.subject) ?? -1;
        if (latestOfThing > event.position) {
          outOfOrder++;
          firstOutOfOrder ??= `${id} (outbox position ${event.position}) after position ${latestOfThing}, ${thing}`;
        } else if (latestOfSubject > event.position) outOfOrderAcrossKinds++;
        lastPositionOfThing.set(thing, Math.max(latestOfThing, event.position));
        lastPositionOfSubject.set(event.subject, Math.max(latestOfSubject, event.position));
      }
    }
    const lastId = batch[batch.length - 1]?.[0];
    if (batch.length < chunk || lastId === undefined) break;
    start = `(${lastId}`;
  }
  return { outboxEvents: outbox.size, streamEntries: entries, missing: outbox.size - seen.size, duplicates, outOfOrder, outOfOrderAcrossKinds, foreign, firstOutOfOrder };
}
