// The outbox relay: publishes the change events committed with the warehouse's changes to the Redis Stream
// (LGSP_EVENTS_STREAM) as CloudEvents, in order, at least once. Woken by PostgreSQL NOTIFY at each commit, with a
// poll as a safety net. One relay publishes at a time (an advisory lock); more instances wait as standbys.
import { Redis } from 'ioredis';
import { prunePublished } from '../src/events/outbox-events.js';
import { appendToStream } from '../src/events/redis-stream.js';
import { relayPending } from '../src/events/relay.js';
import { CoalescingTask } from '../src/process/coalescing-task.js';
import { ListeningLock } from '../src/process/listening-lock.js';
import { runProcess } from '../src/process/main.js';

const pruneEveryMs = 60 * 60_000;
const eventsPerRound = 2_000;

await runProcess('outbox-relay', async ({ config, logger, db }) => {
  const redis = new Redis(config.redisUrl);
  const target = { key: config.events.stream, maxLength: config.events.streamMaxLength };
  let holdsLock = false;
  const drain = new CoalescingTask(async () => {
    const started = performance.now();
    const delivered = await relayPending(db, (events) => appendToStream(redis, target, events), { source: config.events.source, eventsPerRound });
    if (delivered > 0) logger.info({ delivered, stream: target.key, ms: Math.round(performance.now() - started) }, 'events published');
  });
  // The outbox trigger (migration 0008) notifies on this channel at each commit.
  const listener = await ListeningLock.connect(
    { databaseUrl: config.databaseUrl, channel: 'lgsp_outbox', lockName: 'lgsp-outbox-relay', applicationName: 'lgsp-outbox-relay' },
    () => { if (holdsLock) drain.request(); },
  );
  listener.onError((error) => {
    // Without its connection the relay can neither hear commits nor hold the lock: exit, and let the supervisor
    // restart it; unmarked events are published again with the same ids.
    logger.error({ err: error.message }, 'the relay lost its PostgreSQL connection; exiting so it restarts');
    process.exit(69);
  });
  const tick = async () => {
    if (!holdsLock) {
      holdsLock = await listener.tryLock();
      if (holdsLock) logger.info('holding the relay lock: publishing');
      else logger.debug('another relay is publishing: standing by');
    }
    if (holdsLock) drain.request();
    await drain.settle().catch((error: unknown) => { logger.error({ err: (error as Error).message }, 'publishing failed; retrying at the next poll'); });
  };
  const prune = async () => {
    const pruned = await prunePublished(db, config.events.retentionHours);
    if (pruned > 0) logger.info({ pruned, olderThanHours: config.events.retentionHours }, 'published outbox rows pruned');
  };
  await tick();
  await prune();
  const poll = setInterval(() => { void tick(); }, config.events.pollMs);
  const pruning = setInterval(() => { prune().catch((error: unknown) => { logger.error({ err: (error as Error).message }, 'pruning the outbox failed'); }); }, pruneEveryMs);
  return {
    stop: async () => {
      clearInterval(poll);
      clearInterval(pruning);
      await drain.settle().catch(() => undefined);
      await listener.close();
      redis.disconnect();
    },
  };
});
