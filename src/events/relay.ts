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
 * Publishes what the outbox holds until it is empty: each round reads the committed unpublished rows with the
 * lowest seq, delivers their events (by row, then revision), then marks the rows published. A crash between
 * delivery and marking delivers the round again on restart, with the same event ids: at least once.
 *
 * The order this gives: per subject, the order of the commits (a subject's changes are written under its row
 * lock, so a later change draws a later seq and commits later). Across subjects, no order: seqs are drawn before
 * their transactions commit, so a row committed late (a long page) is published after rows with higher seqs
 * that committed first. One relay at a time (the caller holds the relay lock), or the order per subject would not
 * hold. Returns the number of events delivered (what `deliver` returns is not used).
 */
export async function relayPending(db: Db, deliver: (events: readonly CloudEvent[]) => Promise<unknown>, options: RelayOptions): Promise<number> {
  let delivered = 0;
  for (;;) {
    const { seqs, events } = await readUnpublished(db, options.eventsPerRound);
    if (seqs.length === 0) return delivered;
    await deliver(events.map((e) => toCloudEvent(e, options.source)));
    await markPublished(db, seqs);
    delivered += events.length;
  }
}
