import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildApi, type ApiDeps } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/env.js';
import { createSyncQueue } from '../../src/queue/sync-queue.js';
import { createLogger } from '../../src/logger.js';
import { createApiKey } from '../../src/warehouse/api-keys.js';
import type { ApiScope } from '../../src/warehouse/schema.js';
import { testEgressAllow } from './boundary.js';
import { testRedisUrl } from './redis-url.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export { testRedisUrl } from './redis-url.js';

/** The API on a test database of its own, with a key per scope; requests go through `inject` (no port). */
export interface TestApi {
  readonly app: FastifyInstance;
  readonly t: TestDatabase;
  readonly deps: ApiDeps;
  /** A key for each scope. */
  readonly keys: Readonly<Record<ApiScope, string>>;
  /** `inject` with `Authorization: Bearer <keys[as]>` (no header when `as` is null). */
  request(options: InjectOptions & { as?: ApiScope | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** `env` adds to (or overrides) the test configuration; `LGSP_EGRESS_ALLOW: ''` takes the default egress policy (nothing internal). */
export async function startTestApi(env: Record<string, string> = {}, options: { database?: TestDatabase } = {}): Promise<TestApi> {
  const t = options.database ?? (await createTestDatabase());
  const config = loadConfig({ DATABASE_URL: t.url, REDIS_URL: testRedisUrl, LGSP_QUEUE_PREFIX: `lgsp-api-test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent',
    LGSP_EGRESS_ALLOW: testEgressAllow,
    // Tests walk every route without a key; the failed-authentication limit has tests of its own that set it.
    LGSP_API_AUTH_FAILURE_LIMIT: '10000',
    ...env,
  });
  const redis = new Redis(config.redisUrl);
  const syncQueue = createSyncQueue(config.queue);
  const deps: ApiDeps = { config, db: t.db, logger: createLogger('silent'), redis, syncQueue };
  const app = await buildApi(deps);
  await app.ready();
  const keys = {
    read: (await createApiKey(t.db, 'test read', ['read'])).key,
    operate: (await createApiKey(t.db, 'test operate', ['operate'])).key,
    admin: (await createApiKey(t.db, 'test admin', ['admin'])).key,
  };
  return {
    app,
    t,
    deps,
    keys,
    request: ({ as = 'read', ...rest }) => {
      const headers = { ...(rest.headers ?? {}), ...(as === null ? {} : { authorization: `Bearer ${keys[as]}` }) };
      return app.inject({ ...rest, headers });
    },
    async close() {
      await app.close();
      await syncQueue.obliterate({ force: true });
      await syncQueue.close();
      const leftovers = await redis.keys(`${config.queue.prefix}:*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      redis.disconnect();
      if (options.database === undefined) await t.drop();
    },
  };
}
