import { sql } from 'kysely';
import pg from 'pg';
import { loadProvinceReference } from '../test/support/warehouse-fixtures.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/support/private-services.js';
import { TestSource } from '../test/support/test-source.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { createDb } from '../src/warehouse/database.js';
import type { DrillSize } from './drill-size.js';
import { syntheticRows } from './synthetic-rows.js';

/** What every drill of a suite shares: a private PostgreSQL, a template warehouse and the synthetic source. */
export interface DrillServices {
  readonly size: DrillSize;
  readonly postgres: PrivatePostgres;
  /** A migrated warehouse with the reference data, copied for each drill (`create database ... template`). */
  readonly templateDatabase: string;
  readonly source: TestSource;
  readonly sourceUrl: string;
  /** A fresh warehouse copied from the template; returns its URL. */
  newWarehouse(name: string): Promise<string>;
  dropWarehouse(name: string): Promise<void>;
  close(): Promise<void>;
}

const templateDatabase = 'lgsp_drill_template';

async function adminStatement(postgres: PrivatePostgres, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function startDrillServices(size: DrillSize): Promise<DrillServices> {
  const postgres = await startPrivatePostgres();
  try {
    const db = createDb(await postgres.createDatabase(templateDatabase), { max: 2 });
    await migrateToLatest(db);
    await loadProvinceReference(db);
    // The provinces that existed through 2015-2024 (before the 2025 merger): every synthetic row resolves.
    const provinces = await sql<{ code: string }>`
      select code from admin_unit where level = 'province' and validity @> '2015-01-01'::date and validity @> '2024-12-31'::date
      order by code`.execute(db);
    await db.destroy();
    const source = new TestSource(syntheticRows(size.records, provinces.rows.map((p) => p.code)));
    const sourceUrl = await source.start();
    return {
      size,
      postgres,
      templateDatabase,
      source,
      sourceUrl,
      async newWarehouse(name) {
        await adminStatement(postgres, `create database ${name} template ${templateDatabase}`);
        return postgres.urlFor(name);
      },
      dropWarehouse: (name) => adminStatement(postgres, `drop database if exists ${name} with (force)`),
      async close() {
        await source.stop();
        postgres.destroy();
      },
    };
  } catch (error) {
    postgres.destroy();
    throw error;
  }
}
