import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeriods } from '../src/periods/store.js';
import { parsePeriod } from '../src/periods/period.js';
import { migrateToLatest, SqlFileMigrationProvider } from '../src/warehouse/migrate.js';
import { readValuePage } from '../src/warehouse/observation-pages.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';

/** Migration 0017 on a warehouse that already has computed values: each starts its history with an insert at its computed_at. */
describe('migration 0017: computed values get their history', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => t.drop());

  it('backfills one insert revision per computed value at its computed_at, so knownAt finds it from then on', async () => {
    const { error } = await new Migrator({ db: t.db, provider: new SqlFileMigrationProvider() }).migrateTo('0016_indicator_decimals');
    expect(error).toBeUndefined();
    await loadProvinceReference(t.db);
    await ensurePeriods(t.db, [parsePeriod('2025')]);
    const province = await t.db.selectFrom('admin_unit').select('id').where('level', '=', 'province').where('code', '=', '91').where('valid_to', 'is', null).executeTakeFirstOrThrow();
    await t.db.insertInto('indicator_value').values({ indicator_code: 'PATENT_APPLICATIONS', unit_id: province.id, period_code: '2025', value: '12', notes: '["a note"]', computed_at: '2025-03-01T00:00:00Z' }).execute();

    expect(await migrateToLatest(t.db)).toEqual(['0017_known_at', '0019_event_stream_marker']);
    expect(await t.db.selectFrom('indicator_value_revision').select(['change', 'old_value', 'new_value', 'notes', 'sync_run_id', 'changed_at']).execute()).toEqual([
      { change: 'insert', old_value: null, new_value: '12', notes: ['a note'], sync_run_id: null, changed_at: new Date('2025-03-01T00:00:00Z') },
    ]);
    const at = async (knownAt: string) =>
      (await readValuePage(t.db, { indicator: 'PATENT_APPLICATIONS', unitId: province.id, periods: null, kind: 'computed', knownAt: new Date(knownAt) }, null, 10)).items.map((i) => [i.value, i.notes]);
    expect(await at('2025-02-28T23:59:59Z')).toEqual([]);
    expect(await at('2025-03-01T00:00:00Z')).toEqual([['12', ['a note']]]);
  });
});
