import { Redis } from 'ioredis';
import type { AppConfig } from '../../config/env.js';
import type { Logger } from '../../logger.js';
import { CoalescingTask } from '../../process/coalescing-task.js';
import { ListeningLock } from '../../process/listening-lock.js';
import type { Db } from '../../warehouse/database.js';
import { WebhookDispatcher } from './dispatcher.js';

export interface DispatcherProcessContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
}

/**
 * The webhook dispatcher as a process runs it: takes the dispatcher lock or stands by (trying again every
 * LGSP_WEBHOOK_RELOAD_MS), and while holding it serves the subscriptions, re-read at once when they change
 * (NOTIFY) and every LGSP_WEBHOOK_RELOAD_MS. `onLockLost` is called when the lock's connection fails: the lock is
 * gone and a standby may deliver, so the caller must stop delivering at once (the worker exits).
 */
export async function startWebhookDispatcher(ctx: DispatcherProcessContext, hooks: { readonly onLockLost: (error: Error) => void }): Promise<{ stop: () => Promise<void> }> {
  const { config, logger, db } = ctx;
  const redis = new Redis(config.redisUrl);
  const dispatcher = new WebhookDispatcher({
    db, redis, redisUrl: config.redisUrl, logger,
    stream: { key: config.events.stream, groupPrefix: config.queue.prefix },
    delivery: config.webhooks,
    concurrency: config.webhooks.concurrency,
  });
  let holdsLock = false;
  let saidStandingBy = false;
  const reload = new CoalescingTask(() => dispatcher.reload());
  // The webhook_subscription trigger (migration 0010) notifies on this channel when subscriptions change.
  const lock = await ListeningLock.connect(
    { databaseUrl: config.databaseUrl, channel: 'lgsp_webhooks', lockName: 'lgsp-webhook-dispatcher', applicationName: 'lgsp-webhook-dispatcher' },
    () => { if (holdsLock) reload.request(); },
  );
  const lost = (error: Error) => {
    logger.error({ err: error.message }, 'the webhook dispatcher lost its lock connection');
    hooks.onLockLost(error);
  };
  lock.onError(lost);
  const tick = async () => {
    try {
      if (holdsLock) {
        await lock.check();
      } else {
        holdsLock = await lock.tryLock();
        if (holdsLock) logger.info({ stream: config.events.stream }, 'holding the webhook dispatcher lock: delivering');
        else if (!saidStandingBy) logger.info('another webhook dispatcher is delivering: standing by');
        saidStandingBy = !holdsLock;
      }
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (holdsLock) reload.request();
    await reload.settle().catch((error: unknown) => { logger.error({ err: (error as Error).message }, 'reading the webhook subscriptions failed; retrying at the next poll'); });
  };
  await tick();
  const poll = setInterval(() => { void tick(); }, config.webhooks.reloadMs);
  return {
    stop: async () => {
      clearInterval(poll);
      await reload.settle().catch(() => undefined);
      await dispatcher.stop();
      await lock.close();
      redis.disconnect();
    },
  };
}
