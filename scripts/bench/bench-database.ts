import pg from 'pg';
import { createDb, type Db } from '../../src/warehouse/database.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';

/** Runs a statement on the server's `postgres` database (create or drop a database). */
export async function adminQuery(baseUrl: string, statement: string): Promise<void> {
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** A throwaway database for one benchmark run, on the server DATABASE_URL names. */
export async function createBenchDatabase(baseUrl: string, name: string): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const run = (statement: string) => adminQuery(baseUrl, statement);
  await run(`drop database if exists ${name} with (force)`);
  await run(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  await migrateToLatest(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await run(`drop database if exists ${name} with (force)`);
    },
  };
}
