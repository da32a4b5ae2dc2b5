import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/api/server.js';
import { loadConfig } from '../src/config/env.js';
import { createLogger } from '../src/logger.js';
import { watchDependencies, type DependencyWatch } from '../src/process/dependency-watch.js';
import { createSyncQueue, type SyncQueue } from '../src/queue/sync-queue.js';
import { createApiKey } from '../src/warehouse/api-keys.js';
import type { Db } from '../src/warehouse/database.js';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './support/private-services.js';
import { createPrivateWarehouse, occurrences } from './support/private-warehouse.js';
import { waitFor } from './support/worker-process.js';

// The API on a private PostgreSQL and Redis that these tests stop and start (the shared ones are untouched).
describe('the API while PostgreSQL or Redis is away', () => {
  let postgres: PrivatePostgres;
  let privateRedis: PrivateRedis;
  let db: Db;
  let redis: Redis;
  let syncQueue: SyncQueue;
  let outages: DependencyWatch;
  let app: FastifyInstance;
  let key: string;
  let log = '';

  beforeAll(async () => {
    [postgres, privateRedis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    const warehouse = await createPrivateWarehouse(postgres, 'api_outage');
    db = warehouse.db;
    const config = loadConfig({ DATABASE_URL: warehouse.url, REDIS_URL: privateRedis.url, LGSP_QUEUE_PREFIX: `lgsp-api-outage-${randomBytes(4).toString('hex')}` });
    const logger = createLogger('info', { destination: { write: (line: string) => { log += line; } } });
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }); // as src/api/start.ts opens it
    syncQueue = createSyncQueue(config.queue, { failFast: true });
    // The API's own handlers (src/api/start.ts) report these to the watch; here the watch learns from the requests.
    redis.on('error', () => undefined);
    syncQueue.on('error', () => undefined);
    outages = watchDependencies({ db, redisUrl: config.redisUrl, logger, whileDown: 'requests that need it are answered 503 with Retry-After', giveUpMs: 0, onGiveUp: () => undefined });
    app = await buildApi({ config, db, logger, redis, syncQueue, outages });
    key = (await createApiKey(db, 'outage test', ['read'])).key;
  }, 120_000);
  afterAll(async () => {
    outages.stop();
    await app.close();
    await syncQueue.close();
    redis.disconnect();
    await db.destroy();
    postgres.destroy();
    await privateRedis.destroy();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  it('answers 503 problem+json with Retry-After while PostgreSQL is stopped, /health/ready 503 naming it, /health/live 200; all 200 again once it is back', async () => {
    expect((await get('/v1/indicators')).statusCode).toBe(200);
    expect((await get('/health/ready')).json()).toEqual({ status: 'ok', postgres: true, redis: true });

    postgres.stop('fast');
    try {
      const refused = await get('/v1/indicators');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: expect.stringMatching(/^PostgreSQL is not reachable from the API right now; retry in 5 s .*DATABASE_URL/) as unknown });
      // A second request while it is still down: still a 503, and the outage is not logged again.
      expect((await get('/v1/indicators')).statusCode).toBe(503);
      const ready = await get('/health/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'degraded', postgres: false, redis: true });
      expect((await get('/health')).statusCode).toBe(503); // the older path answers as /health/ready
      expect((await get('/health/live')).statusCode).toBe(200);
    } finally {
      await postgres.start();
    }

    await waitFor('the API to answer again', async () => (await get('/v1/indicators')).statusCode === 200);
    expect((await get('/health/ready')).statusCode).toBe(200);
    expect((await get('/health/live')).statusCode).toBe(200);
    await waitFor('the recovery logged', () => Promise.resolve(log.includes('PostgreSQL is back after')));
    expect(occurrences(log, 'PostgreSQL is unreachable: requests that need it are answered 503')).toBe(1);
    expect(occurrences(log, 'PostgreSQL is back after')).toBe(1);
  });

  it('answers 503 naming Redis while Redis is stopped, /health/ready 503, /health/live 200; all 200 again once it is back', async () => {
    await privateRedis.stop('kill');
    try {
      const refused = await get('/v1/indicators'); // the rate limit is counted in Redis
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', detail: expect.stringMatching(/^Redis is not reachable from the API right now.*REDIS_URL/) as unknown });
      expect((await get('/health/ready')).json()).toEqual({ status: 'degraded', postgres: true, redis: false });
      expect((await get('/health/live')).statusCode).toBe(200);
    } finally {
      await privateRedis.start();
    }
    await waitFor('the API to answer again', async () => (await get('/v1/indicators')).statusCode === 200);
    expect((await get('/health/ready')).statusCode).toBe(200);
    await waitFor('the recovery logged', () => Promise.resolve(log.includes('Redis is back after')));
    expect(occurrences(log, 'Redis is unreachable')).toBe(1);
    expect(occurrences(log, 'Redis is back after')).toBe(1);
  });
});
