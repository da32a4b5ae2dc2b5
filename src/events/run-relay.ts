import type { AppConfig } from '../config/env.js';
import { createRedis } from '../config/redis-connection.js';
import type { Logger } from '../logger.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import { startLockedWork } from '../process/locked-work.js';
import type { Db } from '../warehouse/database.js';
import { prunePublished } from './outbox-events.js';
import { publishPending, StreamPublisher } from './stream-publisher.js';

export interface RelayProcessContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
  readonly outages: DependencyWatch;
}

/** A running relay: `published` counts the events it delivered since it started. */
export interface RunningRelay {
  readonly published: () => number;
  /** Resolves once everything committed so far is published (or the relay stands by for another). */
  readonly drained: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

const pruneEveryMs = 60 * 60_000;
/** About how many events a round reads and delivers: a page of the largest connector pages is one round. */
const eventsPerRound = 2_000;

/**
 * The outbox relay as a process runs it: publishes the change events committed with the warehouse's changes to
 * the Redis Stream (LGSP_EVENTS_STREAM) as CloudEvents, at least once, in order per subject (see relayPending).
 * Woken by PostgreSQL NOTIFY at each commit, with a poll (LGSP_OUTBOX_POLL_MS) as a safety net, at each of which
 * it also checks that the stream kept what it published (and republishes from the outbox if not); prunes
 * published rows past their retention.
 * One relay publishes at a time (an advisory lock); more stand by. Rides out PostgreSQL and Redis outages: a
 * lost lock is taken again (or left to another relay) once PostgreSQL is back; unmarked events are published
 * again with the same ids.
 */
export async function startOutboxRelay(ctx: RelayProcessContext): Promise<RunningRelay> {
  const { config, logger, db, outages } = ctx;
  const redis = createRedis(config.redisUrl);
  redis.on('error', (error) => { void outages.report(error); });
  const publisher = new StreamPublisher(db, redis, { key: config.events.stream, maxLength: config.events.streamMaxLength });
  const stream = config.events.stream;
  let published = 0;
  const locked = await startLockedWork({
    // The outbox trigger (migration 0008) notifies on this channel at each commit.
    lock: { databaseUrl: config.databaseUrl, channel: 'lgsp_outbox', lockName: 'lgsp-outbox-relay', applicationName: 'lgsp-outbox-relay' },
    pollMs: config.events.pollMs,
    logger,
    work: async () => {
      const started = performance.now();
      const delivered = await publishPending(db, publisher, { source: config.events.source, eventsPerRound }, (loss) => {
        const what = loss.missingEvents === 0 ? 'republishing them from the outbox' : 'republishing those the outbox holds; the older ones are gone (a stream.reset event says so)';
        logger.warn({ ...loss }, `the event stream lost ${loss.lostEvents} events it had published (Redis restarted without persistence, flushed, failed over, or the key deleted): ${what}`);
      });
      published += delivered;
      if (delivered > 0) logger.info({ delivered, stream, ms: Math.round(performance.now() - started) }, 'events published');
    },
    messages: {
      holding: 'holding the relay lock: publishing',
      standingBy: 'another relay is publishing: standing by',
      failed: 'publishing failed; retrying at the next poll',
    },
    outages,
  });
  const prune = async () => {
    const pruned = await prunePublished(db, config.events.retentionHours);
    if (pruned > 0) logger.info({ pruned, olderThanHours: config.events.retentionHours }, 'published outbox rows pruned');
  };
  await prune();
  const pruning = setInterval(() => {
    prune().catch((error: unknown) => { if (!outages.reportIfLost(error)) logger.error({ err: (error as Error).message }, 'pruning the outbox failed'); });
  }, pruneEveryMs);
  return {
    published: () => published,
    drained: locked.run,
    stop: async () => {
      clearInterval(pruning);
      await locked.stop();
      redis.disconnect();
    },
  };
}
