import type { Redis } from 'ioredis';

/** What Redis says of a stream (XINFO STREAM); a missing stream is an empty one that never had an entry. */
export interface StreamState {
  /** Entries ever added to this stream (Redis 7 and later; null before). A new stream starts again at 0. */
  readonly entriesAdded: number | null;
  /** The last id Redis generated for this stream ('0-0' before the first). */
  readonly lastId: string;
  /** Entries it holds now. */
  readonly length: number;
  /** The oldest entry it holds; null when it holds none. */
  readonly firstId: string | null;
}

export const missingStream: StreamState = { entriesAdded: 0, lastId: '0-0', length: 0, firstId: null };

/** The stream's state; `missingStream` when there is no such key. */
export async function readStreamState(redis: Redis, key: string): Promise<StreamState> {
  let info: unknown;
  try {
    info = await redis.call('XINFO', 'STREAM', key);
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return missingStream;
    throw error;
  }
  const fields = Array.isArray(info) ? (info as unknown[]) : [];
  const field = (name: string) => {
    const i = fields.indexOf(name);
    return i < 0 ? undefined : fields[i + 1];
  };
  const added = field('entries-added');
  const last = field('last-generated-id');
  const first = field('first-entry');
  return {
    entriesAdded: typeof added === 'number' ? added : null,
    lastId: typeof last === 'string' ? last : '0-0',
    length: Number(field('length') ?? 0),
    firstId: Array.isArray(first) && typeof first[0] === 'string' ? first[0] : null,
  };
}
