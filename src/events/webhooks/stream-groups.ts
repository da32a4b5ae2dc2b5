import type { Redis } from 'ioredis';

/** The events stream and how webhook consumer groups on it are named. */
export interface WebhookStream {
  /** The Redis Stream the relay publishes to (LGSP_EVENTS_STREAM). */
  readonly key: string;
  /** Prefix of the group names (LGSP_QUEUE_PREFIX), so installations sharing a Redis keep to their own groups. */
  readonly groupPrefix: string;
}

/**
 * The one consumer name in every group. One dispatcher delivers at a time (the advisory lock), and a dispatcher
 * that restarts or takes over must find the entries its predecessor read but did not acknowledge: under the same
 * name they are simply its own pending entries.
 */
export const consumerName = 'dispatcher';

/** One consumer group per subscription: its own position and its own pending entries. */
export function groupName(stream: WebhookStream, subscriptionId: string): string {
  return `${stream.groupPrefix}:webhook:${subscriptionId}`;
}

/** A stream entry as read by a group; `fields` is null when the entry was trimmed away while pending. */
export interface StreamEntry {
  readonly entryId: string;
  readonly fields: Readonly<Record<string, string>> | null;
}

/** The id of the stream's last entry ('0-0' when it has none): where a new subscription starts. */
export async function lastEntryId(redis: Redis, key: string): Promise<string> {
  const last = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
  return last[0]?.[0] ?? '0-0';
}

const isRedisError = (error: unknown, prefix: string) => error instanceof Error && error.message.startsWith(prefix);

/** Creates the subscription's group at `startId` (and the stream, if missing); true if created, false if it existed. */
export async function ensureGroup(redis: Redis, stream: WebhookStream, subscriptionId: string, startId: string): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', stream.key, groupName(stream, subscriptionId), startId, 'MKSTREAM');
    return true;
  } catch (error) {
    if (isRedisError(error, 'BUSYGROUP')) return false;
    throw error;
  }
}

/** Destroys the subscription's group, with its pending entries; nothing to do when it (or the stream) is gone. */
export async function destroyGroup(redis: Redis, stream: WebhookStream, subscriptionId: string): Promise<void> {
  try {
    await redis.xgroup('DESTROY', stream.key, groupName(stream, subscriptionId));
  } catch (error) {
    if (!isRedisError(error, 'ERR The XGROUP subcommand requires the key to exist')) throw error;
  }
}

/**
 * Whether an error says the group (or the stream) is gone: the reader recreates it. UNBLOCKED: a read blocked
 * on the stream when its key was deleted, or its group destroyed.
 */
export function isMissingGroup(error: unknown): boolean {
  return isRedisError(error, 'NOGROUP') || isRedisError(error, 'UNBLOCKED');
}

function pairs(flat: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

/** The subscription ids of this installation's webhook groups on the stream. */
export async function webhookGroupIds(redis: Redis, stream: WebhookStream): Promise<string[]> {
  let groups: unknown;
  try {
    groups = await redis.call('XINFO', 'GROUPS', stream.key);
  } catch (error) {
    if (isRedisError(error, 'ERR no such key')) return [];
    throw error;
  }
  const prefix = groupName(stream, '');
  return (Array.isArray(groups) ? groups : [])
    .map((g) => (Array.isArray(g) ? String(pairs(g).name) : ''))
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length));
}

function parseRead(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  // [[key, items], ...] as Redis sends it; ioredis 6 hands a one-stream reply over as [key, items].
  const streams: unknown[] = typeof reply[0] === 'string' ? [reply] : reply;
  const entries: StreamEntry[] = [];
  for (const streamReply of streams) {
    const items = Array.isArray(streamReply) ? (streamReply[1] as unknown) : null;
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (!Array.isArray(item)) continue;
      const [entryId, flat] = item as [unknown, unknown];
      const fields = Array.isArray(flat) ? Object.fromEntries(Object.entries(pairs(flat)).map(([k, v]) => [k, String(v)])) : null;
      entries.push({ entryId: String(entryId), fields });
    }
  }
  return entries;
}

/**
 * Reads for a subscription's group: `pending` re-reads the entries read before but not acknowledged (after a
 * crash or a failed round: they come first, in order, same ids); otherwise new entries, waiting up to `blockMs`.
 */
export async function readGroup(redis: Redis, stream: WebhookStream, subscriptionId: string, options: { pending: boolean; count: number; blockMs: number }): Promise<StreamEntry[]> {
  const group = groupName(stream, subscriptionId);
  const reply = options.pending
    ? await redis.call('XREADGROUP', 'GROUP', group, consumerName, 'COUNT', options.count, 'STREAMS', stream.key, '0')
    : await redis.call('XREADGROUP', 'GROUP', group, consumerName, 'COUNT', options.count, 'BLOCK', options.blockMs, 'STREAMS', stream.key, '>');
  return parseRead(reply);
}

/** Acknowledges entries: delivered, dead-lettered or not wanted; they will not be read again. */
export async function ackEntries(redis: Redis, stream: WebhookStream, subscriptionId: string, entryIds: readonly string[]): Promise<void> {
  if (entryIds.length > 0) await redis.xack(stream.key, groupName(stream, subscriptionId), ...entryIds);
}
