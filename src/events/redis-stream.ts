import type { Redis } from 'ioredis';
import type { CloudEvent } from './cloud-event.js';

export interface StreamTarget {
  /** The stream key, e.g. `lgsp:events`. */
  readonly key: string;
  /** Approximate cap on the stream's length: Redis trims the oldest entries beyond it. */
  readonly maxLength: number;
}

/** Appends entries of four fields (id, type, subject, event) given as a flat ARGV list, in order. */
const appendEntries = `
for i = 1, #ARGV, 4 do
  redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'type', ARGV[i + 1], 'subject', ARGV[i + 2], 'event', ARGV[i + 3])
end
return #ARGV / 4`;

/**
 * Events per script call: a call runs alone in Redis, so it is kept short (about 10 ms for 1,000 events), while
 * batching still spares most of the per-command cost a pipeline of single XADDs pays (10,000 events append in
 * about 100 ms instead of 180 ms).
 */
const eventsPerCall = 1000;

/**
 * Appends events to a Redis Stream in order, in one round trip, then trims it to about its cap. Each entry carries
 * the structured CloudEvent (`event`) and, for consumers that filter without parsing, its `id`, `type` and `subject`.
 */
export async function appendToStream(redis: Redis, target: StreamTarget, events: readonly CloudEvent[]): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (let start = 0; start < events.length; start += eventsPerCall) {
    const args: string[] = [];
    for (const e of events.slice(start, start + eventsPerCall)) args.push(e.id, e.type, e.subject, JSON.stringify(e));
    pipeline.eval(appendEntries, 1, target.key, ...args);
  }
  // One trim per batch rather than a MAXLEN on each entry: the same cap (approximate either way), for less work.
  pipeline.xtrim(target.key, 'MAXLEN', '~', target.maxLength);
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}
