import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { ServiceUnavailableError } from '../errors.js';
import { redactUrl } from '../logger.js';
import type { Db } from '../warehouse/database.js';

/** Proves PostgreSQL answers, or says how to start it. */
export async function checkPostgres(db: Db, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    throw new ServiceUnavailableError('PostgreSQL', redactUrl(url), cause);
  }
}

/** Proves Redis answers (and is set up for BullMQ), or says how to start it. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (cause) {
    throw new ServiceUnavailableError('Redis', redactUrl(url), cause);
  } finally {
    redis.disconnect();
  }
}
