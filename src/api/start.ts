import { createRedis } from '../config/redis-connection.js';
import type { ProcessContext } from '../process/main.js';
import { createSyncQueue } from '../queue/sync-queue.js';
import { buildApi } from './server.js';

/** Starts the API on the configured host and port; `stop` closes it (in-flight requests finish) and its Redis. */
export async function startApi(ctx: ProcessContext): Promise<{ url: string; stop: () => Promise<void> }> {
  const redis = createRedis(ctx.config.redisUrl, { maxRetriesPerRequest: 2 });
  // Reconnecting is ioredis's; the outage watch logs the outage once and its end.
  redis.on('error', (error) => { void ctx.outages.report(error); });
  const syncQueue = createSyncQueue(ctx.config.queue, { failFast: true });
  syncQueue.on('error', (error) => { void ctx.outages.report(error); });
  const closeConnections = async () => {
    await syncQueue.close();
    redis.disconnect();
  };
  const app = await buildApi({ ...ctx, redis, syncQueue });
  try {
    await app.listen({ host: ctx.config.api.host, port: ctx.config.api.port });
  } catch (error) {
    await closeConnections();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : ctx.config.api.port;
  const host = ctx.config.api.host === '0.0.0.0' ? '127.0.0.1' : ctx.config.api.host;
  return {
    url: `http://${host}:${port}`,
    stop: async () => {
      await app.close();
      await closeConnections();
    },
  };
}
