import { egressPolicy } from '../../boundary/egress.js';
import type { AppConfig } from '../../config/env.js';
import { createRedis } from '../../config/redis-connection.js';
import type { Logger } from '../../logger.js';
import type { DependencyWatch } from '../../process/dependency-watch.js';
import { startLockedWork } from '../../process/locked-work.js';
import type { Db } from '../../warehouse/database.js';
import { WebhookDispatcher } from './dispatcher.js';

export interface DispatcherProcessContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
  readonly outages: DependencyWatch;
}

/**
 * The webhook dispatcher as a process runs it: takes the dispatcher lock or stands by (trying again every
 * LGSP_WEBHOOK_RELOAD_MS), and while holding it serves the subscriptions, re-read at once when they change
 * (NOTIFY) and every LGSP_WEBHOOK_RELOAD_MS. Rides out PostgreSQL and Redis outages: a lost lock is taken again
 * (or left to a standby) once PostgreSQL is back; unacknowledged events are delivered again with the same ids.
 */
export async function startWebhookDispatcher(ctx: DispatcherProcessContext): Promise<{ stop: () => Promise<void> }> {
  const { config, logger, db, outages } = ctx;
  const redis = createRedis(config.redisUrl);
  redis.on('error', (error) => { void outages.report(error); });
  const dispatcher = new WebhookDispatcher({
    db, redis, redisUrl: config.redisUrl, logger,
    stream: { key: config.events.stream, groupPrefix: config.queue.prefix },
    delivery: config.webhooks,
    egress: egressPolicy(config.boundary),
    concurrency: config.webhooks.concurrency,
  });
  const locked = await startLockedWork({
    // The webhook_subscription trigger (migration 0010) notifies on this channel when subscriptions change.
    lock: { databaseUrl: config.databaseUrl, channel: 'lgsp_webhooks', lockName: 'lgsp-webhook-dispatcher', applicationName: 'lgsp-webhook-dispatcher' },
    pollMs: config.webhooks.reloadMs,
    logger,
    work: () => dispatcher.reload(),
    messages: {
      holding: `holding the webhook dispatcher lock: delivering the events of ${config.events.stream}`,
      standingBy: 'another webhook dispatcher is delivering: standing by',
      failed: 'reading the webhook subscriptions failed; retrying at the next poll',
    },
    outages,
    // A standby may deliver now: stop delivering until the lock is taken again (reload starts the consumers anew).
    onLockLost: () => dispatcher.stop(),
  });
  return {
    stop: async () => {
      await locked.stop(() => dispatcher.stop());
      redis.disconnect();
    },
  };
}
