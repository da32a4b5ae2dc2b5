import { Redis } from 'ioredis';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { AppConfig } from '../config/env.js';
import { createLogger } from '../logger.js';
import { createSyncQueue } from '../queue/sync-queue.js';
import { createDb } from '../warehouse/database.js';
import { buildApi } from './server.js';

/**
 * The OpenAPI document of the API as `/openapi.json` serves it, built without listening (for linters and client
 * generators). It needs neither PostgreSQL nor Redis to be running.
 */
export async function openApiDocument(config: AppConfig): Promise<OpenAPIV3_1.Document> {
  const db = createDb(config.databaseUrl, { max: 1 });
  const redis = new Redis(config.redisUrl, { lazyConnect: true });
  const syncQueue = createSyncQueue(config.queue);
  // The queue connects at once; the document does not need it to succeed.
  syncQueue.on('error', () => undefined);
  const app = await buildApi({ config, db, logger: createLogger('silent'), redis, syncQueue });
  try {
    await app.ready();
    return app.swagger() as OpenAPIV3_1.Document;
  } finally {
    await app.close();
    await syncQueue.close();
    redis.disconnect();
    await db.destroy();
  }
}
