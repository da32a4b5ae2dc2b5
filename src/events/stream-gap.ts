import type { Redis } from 'ioredis';
import { compareStreamIds } from './stream-ids.js';
import { readStreamState } from './stream-state.js';

/** A subscriber resuming after `after` from a stream that no longer holds what followed it. */
export interface StreamGap {
  /** Where the subscriber resumes from. */
  readonly after: string;
  /** The oldest entry the stream still holds, where delivery goes on; null when it holds none now. */
  readonly firstAvailable: string | null;
  /** `trimmed`: the cap trimmed it away; `reset`: the stream lost it (see the relay's StreamLoss). */
  readonly reason: 'trimmed' | 'reset';
}

/** The event type of the message telling an SSE client about a gap (not a CloudEvent of the warehouse). */
export const streamGapEvent = 'vn.lgsp.stream.gap';

/**
 * Whether resuming after `after` may skip entries. `lostThroughId` is the last entry id of the stream lost at
 * the latest loss the relay noticed (event_stream_marker), null when none.
 *
 * Reset: a position up to `lostThroughId` belongs to a lost stream, and so does one past the stream's last id
 * (the stream never reached it: it is a new one, not yet noticed by the relay); so does any position when the
 * stream is gone. What follows such a position comes again (republished, new entry ids) or is gone.
 *
 * Trimmed: the stream is capped (LGSP_EVENTS_STREAM_MAXLEN) and trimmed from its oldest end, so once entries were
 * trimmed (Redis counts every entry added), a position before the oldest entry held has lost what came after it.
 * (Redis does not say which ids it trimmed, so a client whose entry was the very last one trimmed hears of a gap
 * that holds nothing.)
 *
 * `0` (the whole stream) is never across a reset: it gets what the stream holds, a stream.reset event included.
 */
export async function streamGapAfter(redis: Redis, key: string, after: string, lostThroughId: string | null): Promise<StreamGap | null> {
  const stream = await readStreamState(redis, key);
  const fromStart = after === '0-0';
  if (!fromStart && ((lostThroughId !== null && compareStreamIds(after, lostThroughId) <= 0) || compareStreamIds(after, stream.lastId) > 0)) {
    return { after, firstAvailable: stream.firstId, reason: 'reset' };
  }
  // Before Redis 7 (no count), entries may have been trimmed.
  if (stream.entriesAdded !== null && stream.entriesAdded <= stream.length) return null;
  if (stream.firstId !== null) return compareStreamIds(after, stream.firstId) < 0 ? { after, firstAvailable: stream.firstId, reason: 'trimmed' } : null;
  return compareStreamIds(after, stream.lastId) < 0 ? { after, firstAvailable: null, reason: 'trimmed' } : null;
}
