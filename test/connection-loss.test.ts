import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencyNamedBy, isConnectionLoss } from '../src/process/connection-loss.js';
import { freePort } from './support/private-services.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** The error a promise rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error);
}

// Real errors from real servers: what the outage handling classifies as a lost connection, and what it does not.
describe('connection losses', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase({ migrate: false }); });
  afterAll(async () => { await t.drop(); });

  it('a PostgreSQL backend terminated by the server (57P01) is PostgreSQL going away', async () => {
    const client = new pg.Client({ connectionString: t.url });
    client.on('error', () => undefined);
    await client.connect();
    const error = await failureOf(client.query('select pg_terminate_backend(pg_backend_pid())'));
    await client.end().catch(() => undefined);
    expect((error as { code?: string }).code).toBe('57P01');
    expect(dependencyNamedBy(error)).toBe('postgres');
    expect(isConnectionLoss(error)).toBe(true);
  });

  it('nothing listening (ECONNREFUSED) is a connection loss that names no dependency', async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/x` });
    const error = await failureOf(client.connect());
    expect(isConnectionLoss(error)).toBe(true);
    expect(dependencyNamedBy(error)).toBeUndefined();
  });

  it('an ioredis command that cannot be sent is Redis going away', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const error = await failureOf(redis.ping());
    redis.disconnect();
    expect(dependencyNamedBy(error)).toBe('redis');
    expect(isConnectionLoss(error)).toBe(true);
  });

  it('an error of the query itself is no connection loss', async () => {
    const error = await failureOf(t.db.selectFrom('no_such_table' as never).selectAll().execute());
    expect((error as { code?: string }).code).toBe('42P01');
    expect(isConnectionLoss(error)).toBe(false);
  });
});
