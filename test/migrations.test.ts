import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => t.drop());

  it('migrate up from an empty database creates every table, and a second run applies nothing', async () => {
    const applied = await migrateToLatest(t.db);
    expect(applied).toEqual(['0001_reference', '0002_pipeline', '0003_source_records', '0004_indicator_values', '0005_dirty_marks_queue', '0006_raw_record_append_only', '0007_outbox_revision_batches', '0008_outbox_notify', '0009_api_keys', '0010_webhooks', '0011_observation_api_indexes', '0012_webhook_secret_rotation', '0013_audit_log', '0014_units_via_succession', '0015_unit_alias', '0016_indicator_decimals', '0017_known_at', '0019_event_stream_marker']);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(t.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'admin_unit', 'admin_unit_name', 'admin_unit_succession', 'api_key', 'audit_log', 'connection', 'event_stream_marker', 'indicator', 'indicator_value',
      'indicator_value_dirty', 'indicator_value_revision', 'observation', 'observation_contribution', 'observation_revision', 'outbox_event', 'period',
      'raw_record', 'rejected_record', 'source_record', 'sync_run', 'sync_run_stream', 'sync_state', 'target', 'target_document', 'unit_alias',
      'webhook_dead_letter', 'webhook_subscription',
    ]);
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('refuses two versions of one code that overlap in time', async () => {
    await t.db.insertInto('admin_unit').values({ code: '91', level: 'province', name: 'Tỉnh Kiên Giang', valid_to: '2025-06-30', source: 'test' }).execute();
    await t.db.insertInto('admin_unit').values({ code: '91', level: 'province', name: 'Tỉnh An Giang', valid_from: '2025-07-01', source: 'test' }).execute();
    await expect(
      t.db.insertInto('admin_unit').values({ code: '91', level: 'province', name: 'Tỉnh X', valid_from: '2025-06-01', valid_to: '2025-12-31', source: 'test' }).execute(),
    ).rejects.toThrow(/conflicting key value violates exclusion constraint/);
  });
});
