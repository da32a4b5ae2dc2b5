import { Redis } from 'ioredis';
import { createSyncQueue, requestSync } from '../src/queue/sync-queue.js';
import type { Db } from '../src/warehouse/database.js';
import { startPrivateRedis, type PrivateRedis } from '../test/support/private-services.js';
import { addTestConnection, testSecretEnv } from '../test/support/warehouse-fixtures.js';
import type { DrillServices } from './drill-services.js';
import { harnessDb } from './harness-db.js';
import { SupervisedProcess } from './supervised-process.js';

export const eventsStream = 'lgsp:events';
export const drillConnection = 'drill';

/** One drill's world: its own warehouse (from the template) and Redis, the sync worker and the outbox relay. */
export interface DrillRig {
  readonly services: DrillServices;
  readonly db: Db;
  readonly redis: PrivateRedis;
  /** The harness's reader of the event stream (reconnects after a Redis restart). */
  readonly events: Redis;
  readonly worker: SupervisedProcess;
  readonly relay: SupervisedProcess;
  /** Queues the synthetic sync, as `lgsp sync` does; returns the run's id. */
  requestRun(): Promise<number>;
  close(): Promise<void>;
}

export async function openRig(services: DrillServices, name: string, persistence: 'none' | 'aof'): Promise<DrillRig> {
  const database = `lgsp_drill_${name.replace(/\W/g, '_')}`;
  const databaseUrl = await services.newWarehouse(database);
  const db = harnessDb(databaseUrl);
  const redis = await startPrivateRedis({ persistence });
  const events = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  events.on('error', () => undefined);
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, LGSP_EVENTS_STREAM: eventsStream, LGSP_OUTBOX_POLL_MS: '1000', ...testSecretEnv,
    // A job lock of 10 s (production: 30 s) keeps a killed worker's job waiting briefly, yet is not lost to a few
    // seconds of event-loop lag on a busy machine (the 2 s of the unit tests is).
    LGSP_JOB_LOCK_MS: '10000', LGSP_STALLED_INTERVAL_MS: '5000' };
  await addTestConnection(db, drillConnection, services.sourceUrl, { pageSize: services.size.pageSize, timeoutMs: 10_000 });
  const worker = new SupervisedProcess('sync worker', 'workers/sync-worker.ts', 'sync worker ready', env);
  // Ready once it holds the lock (or stands by), before it drains the backlog: "started" comes only after that.
  const relay = new SupervisedProcess('outbox relay', 'workers/outbox-relay.ts', 'publishing', env);
  return {
    services,
    db,
    redis,
    events,
    worker,
    relay,
    async requestRun() {
      const queue = createSyncQueue({ redisUrl: redis.url, prefix: 'lgsp' });
      try {
        const { run } = await requestSync(db, queue, { connectionId: drillConnection, mode: 'incremental' });
        return run.id;
      } finally {
        await queue.close();
      }
    },
    async close() {
      await Promise.all([worker.stop(), relay.stop()]);
      events.disconnect();
      await redis.destroy();
      await db.destroy();
      await services.dropWarehouse(database);
    },
  };
}
