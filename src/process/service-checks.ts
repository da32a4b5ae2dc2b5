import { sql } from 'kysely';
import { createRedis } from '../config/redis-connection.js';
import { ServiceUnavailableError } from '../errors.js';
import { redactUrl } from '../logger.js';
import type { Db } from '../warehouse/database.js';

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/** A network-level failure to reach a server (Node reports several addresses as an AggregateError). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && connectionErrorCodes.has(code);
}

/** A connection failure becomes a ServiceUnavailableError saying how to start PostgreSQL; other errors pass. */
export function asPostgresUnavailable(url: string, error: unknown): unknown {
  return isConnectionError(error) ? new ServiceUnavailableError('PostgreSQL', redactUrl(url), error) : error;
}

/** Proves PostgreSQL answers, or says how to start it. */
export async function checkPostgres(db: Db, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    throw asPostgresUnavailable(url, cause);
  }
}

/** Proves Redis answers (and is set up for BullMQ), or says how to start it. */
export async function checkRedis(url: string): Promise<void> {
  const redis = createRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, sentinelRetryStrategy: () => null, connectTimeout: 3000 });
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
