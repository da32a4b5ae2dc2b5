import type { Db } from '../warehouse/database.js';
import { toCloudEvent, type CloudEvent } from './cloud-event.js';
import { markPublished, readUnpublished } from './outbox-events.js';

export interface RelayOptions {
  /** CloudEvents `source` of this installation. */
  readonly source: string;
  /** About how many events a round reads and delivers (whole outbox rows: a page's batch row is never split). */
  readonly eventsPerRound: number;
}

/**
 * Publishes what the outbox holds, oldest first, until it is empty: each round reads unpublished rows, delivers
 * their events in order, then marks the rows published. A crash between delivery and marking delivers the round
 * again on restart, with the same event ids: at least once, in order. Returns the number of events delivered.
 * One relay at a time (the caller holds the relay lock), so the order per subject holds.
 */
export async function relayPending(db: Db, deliver: (events: readonly CloudEvent[]) => Promise<void>, options: RelayOptions): Promise<number> {
  let delivered = 0;
  for (;;) {
    const { seqs, events } = await readUnpublished(db, options.eventsPerRound);
    if (seqs.length === 0) return delivered;
    await deliver(events.map((e) => toCloudEvent(e, options.source)));
    await markPublished(db, seqs);
    delivered += events.length;
  }
}
