import type { Redis } from 'ioredis';
import type { Db } from '../warehouse/database.js';
import type { CloudEvent } from './cloud-event.js';
import { appendToStream, StreamLostError, type StreamTarget } from './redis-stream.js';
import { relayPending, type RelayOptions } from './relay.js';
import { readStreamMarker, recordAppend } from './stream-marker.js';
import { requeueLostEvents, streamLost, type StreamLoss } from './stream-recovery.js';
import { readStreamState } from './stream-state.js';

/**
 * Publishes to the stream and notices when it lost what was published: each append is checked against what the
 * stream counted after the previous one (entries-added), and the stream's state is recorded in PostgreSQL
 * (event_stream_marker) so a restarted relay checks too.
 */
export class StreamPublisher {
  private expectedEntriesAdded = 0;

  constructor(private readonly db: Db, private readonly redis: Redis, readonly target: StreamTarget) {}

  /**
   * Compares the stream with the marker; after a loss, puts the lost events back in the outbox's queue (see
   * requeueLostEvents) and returns what was lost, once per loss. Null when nothing was lost.
   */
  async recoverIfLost(): Promise<StreamLoss | null> {
    const marker = await readStreamMarker(this.db, this.target.key);
    const now = await readStreamState(this.redis, this.target.key);
    const loss = streamLost(marker, now) ? await requeueLostEvents(this.db, this.target.key, now) : null;
    this.expectedEntriesAdded = (loss === null ? marker?.entriesAdded : now.entriesAdded) ?? 0;
    return loss;
  }

  /** Appends a round's events, unless the stream lost entries since the last (StreamLostError); records the stream. */
  readonly deliver = async (events: readonly CloudEvent[]): Promise<void> => {
    const state = await appendToStream(this.redis, this.target, events, this.expectedEntriesAdded);
    if (state === null) return;
    await recordAppend(this.db, this.target.key, state);
    this.expectedEntriesAdded = state.entriesAdded ?? 0;
  };
}

/** A loss noticed while publishing is handled at once; more than this in one go is left for the next poll. */
const lossesPerPublish = 3;

/**
 * Publishes what the outbox holds (relayPending), first checking the stream for a loss, and again whenever an
 * append finds one: the lost events go out again before anything newer. `onLoss` hears of each loss once.
 * Returns the number of events delivered.
 */
export async function publishPending(db: Db, publisher: StreamPublisher, options: RelayOptions, onLoss: (loss: StreamLoss) => void): Promise<number> {
  let delivered = 0;
  const deliver = async (events: readonly CloudEvent[]) => {
    await publisher.deliver(events);
    delivered += events.length;
  };
  for (let losses = 0; ; losses++) {
    const loss = await publisher.recoverIfLost();
    if (loss !== null) onLoss(loss);
    try {
      await relayPending(db, deliver, options);
      return delivered;
    } catch (error) {
      if (!(error instanceof StreamLostError) || losses + 1 >= lossesPerPublish) throw error;
    }
  }
}
