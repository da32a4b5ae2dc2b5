import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDirty, clearMarks, markDirty, writeIndicatorValues } from '../src/warehouse/indicator-values.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';

describe('dirty marks of materialised values', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());

  it('a page that marks a key while a refresh holds it is not lost when the refresh clears its marks', async () => {
    const unit = await t.db.selectFrom('admin_unit').select('id').where('code', '=', '40').where('valid_from', '=', '2025-07-01').executeTakeFirstOrThrow();
    const key = { indicator: 'RD_PERSONNEL_PER_10K', unitId: unit.id, period: '2025' };
    await markDirty(t.db, [key]);

    let claimed!: () => void;
    const hasClaimed = new Promise<void>((resolve) => (claimed = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The refresh: claims the key, computes (no value yet: POPULATION not there when it looked), clears its mark.
    const refresh = t.db.transaction().execute(async (trx) => {
      const claim = await claimDirty(trx, [unit.id], 10);
      expect(claim.keys).toEqual([key]);
      claimed();
      await released;
      await writeIndicatorValues(trx, null, [{ ...key, value: null, notes: [] }]);
      await clearMarks(trx, claim.markIds);
    });
    await hasClaimed;
    // A page commits a change the refresh did not see, and marks the key again meanwhile.
    // (A new mark is a row of its own: nothing the refresh holds blocks it.)
    await t.db.transaction().execute((trx) => markDirty(trx, [key]));
    release();
    await refresh;

    const left = await t.db.selectFrom('indicator_value_dirty').select(['indicator_code', 'unit_id', 'period_code']).execute();
    expect(left).toEqual([{ indicator_code: key.indicator, unit_id: key.unitId, period_code: key.period }]);
  });
});
