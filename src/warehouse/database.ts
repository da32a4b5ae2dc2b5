import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 (ids, counts) as JS numbers: ids and counts stay far below 2^53, and a value that does not is an error, not a silent rounding.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return n;
});
// date columns as 'YYYY-MM-DD' strings: a calendar date has no time zone to shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (text) => text);

export type Db = Kysely<Database>;

export function createDb(databaseUrl: string, options: { max?: number } = {}): Db {
  // A server that does not answer (a network cut) fails a checkout after 10 s instead of hanging the caller.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
  // A client whose connection the server closed (restart, admin command) emits `error`; without a listener that
  // ends the process. The pool listens on idle clients only, so each client gets its own listener for the time it
  // is checked out (a page's transaction). Queries in flight still get their own errors, and the pool discards
  // the broken client when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
