import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/warehouse/database.js';

/**
 * The drill's own view of the warehouse. Unlike the processes' pool, every client gets an error listener: a
 * PostgreSQL restart must fail the harness's probes (retried), never end the harness.
 */
export function harnessDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}
