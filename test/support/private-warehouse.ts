import { createDb, type Db } from '../../src/warehouse/database.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import type { PrivatePostgres } from './private-services.js';
import { loadProvinceReference } from './warehouse-fixtures.js';

/** A migrated warehouse with the province reference, in a database of its own on a private PostgreSQL. */
export async function createPrivateWarehouse(postgres: PrivatePostgres, name: string): Promise<{ db: Db; url: string }> {
  const url = await postgres.createDatabase(name);
  const db = createDb(url, { max: 4 });
  await migrateToLatest(db);
  await loadProvinceReference(db);
  return { db, url };
}

/** How many times `text` occurs in a process's output (an outage must be logged once, its end once). */
export function occurrences(output: string, text: string): number {
  return output.split(text).length - 1;
}

/** A probe for `waitFor` that treats a failed query (the server is restarting) as "not yet". */
export function whenReachable<T>(probe: () => Promise<T | undefined>): () => Promise<T | undefined> {
  return () => probe().catch(() => undefined);
}
