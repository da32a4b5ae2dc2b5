import type { Redis } from 'ioredis';
import { compareStreamIds } from './stream-ids.js';

/** A subscriber resuming after `after` from a stream trimmed past it: what it missed may be gone. */
export interface StreamGap {
  /** Where the subscriber resumes from. */
  readonly after: string;
  /** The oldest entry the stream still holds, where delivery goes on; null when it holds none now. */
  readonly firstAvailable: string | null;
}

/** The event type of the message telling an SSE client about a gap (not a CloudEvent of the warehouse). */
export const streamGapEvent = 'vn.lgsp.stream.gap';

/**
 * Whether resuming after `after` may skip trimmed entries. The stream is capped (LGSP_EVENTS_STREAM_MAXLEN) and
 * trimmed from its oldest end, so once entries were trimmed (Redis counts every entry added), a position before
 * the oldest entry held has lost what came after it: the client's own entry was trimmed, and those after it most
 * likely too. (Redis does not say which ids it trimmed, so a client whose entry was the very last one trimmed
 * hears of a gap that holds nothing.) Null when there is none or no stream yet.
 */
export async function streamGapAfter(redis: Redis, key: string, after: string): Promise<StreamGap | null> {
  let info: unknown;
  try {
    info = await redis.call('XINFO', 'STREAM', key);
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return null;
    throw error;
  }
  const fields = Array.isArray(info) ? (info as unknown[]) : [];
  const field = (name: string) => {
    const i = fields.indexOf(name);
    return i < 0 ? undefined : fields[i + 1];
  };
  const added = field('entries-added'); // Redis 7 and later; before, assume entries may have been trimmed
  if (typeof added === 'number' && added <= Number(field('length'))) return null;
  const first = field('first-entry');
  if (Array.isArray(first) && typeof first[0] === 'string') return compareStreamIds(after, first[0]) < 0 ? { after, firstAvailable: first[0] } : null;
  const last = field('last-generated-id');
  return typeof last === 'string' && compareStreamIds(after, last) < 0 ? { after, firstAvailable: null } : null;
}
