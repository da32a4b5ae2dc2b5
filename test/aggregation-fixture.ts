/**
 * Shared set-up of the aggregation tests: a migrated database of its own, the real indicator catalogue plus three
 * test-only indicators for rules the catalogue does not use, and a small slice of the real administrative units
 * (codes and names from ../shared/data/admin-units) inserted directly:
 *
 *   legacy 89 Tỉnh An Giang  ──┐                         legacy 40 Tỉnh Nghệ An ── current 40 Tỉnh Nghệ An
 *   legacy 91 Tỉnh Kiên Giang ─┴─ current 91 Tỉnh An Giang (from 2025-07-01)
 *
 *   legacy communes of 89 (Châu Đốc):          current communes of 91:
 *     30316 Phường Châu Phú B ─┐
 *     30319 Phường Châu Phú A ─┴──────────────── 30316 Phường Châu Đốc
 *     30325 Phường Núi Sam ────┐
 *     30331 Xã Vĩnh Tế ────────┴──────────────── 30325 Phường Vĩnh Tế
 *     30334 Xã Vĩnh Châu ── divided between ──── 30316 and 30325
 *   legacy commune of 91 (Rạch Giá):
 *     30733 Phường Vĩnh Thanh ────────────────── 30742 Phường Rạch Giá
 */
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { loadIndicatorCatalogue, readIndicatorCatalogue, type IndicatorDefinition } from '../src/reference/indicator-catalogue.js';
import type { NewAdminUnit } from '../src/warehouse/schema.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const LEGACY_END = '2025-06-30';
const REFORM = '2025-07-01';

const unitRows = {
  P89: { code: '89', level: 'province', name: 'Tỉnh An Giang', valid_to: LEGACY_END },
  P91_OLD: { code: '91', level: 'province', name: 'Tỉnh Kiên Giang', valid_to: LEGACY_END },
  P91: { code: '91', level: 'province', name: 'Tỉnh An Giang', valid_from: REFORM },
  P40_OLD: { code: '40', level: 'province', name: 'Tỉnh Nghệ An', valid_to: LEGACY_END },
  P40: { code: '40', level: 'province', name: 'Tỉnh Nghệ An', valid_from: REFORM },
  C30316_OLD: { code: '30316', level: 'commune', name: 'Phường Châu Phú B', valid_to: LEGACY_END, parent: 'P89' },
  C30319: { code: '30319', level: 'commune', name: 'Phường Châu Phú A', valid_to: LEGACY_END, parent: 'P89' },
  C30325_OLD: { code: '30325', level: 'commune', name: 'Phường Núi Sam', valid_to: LEGACY_END, parent: 'P89' },
  C30331: { code: '30331', level: 'commune', name: 'Xã Vĩnh Tế', valid_to: LEGACY_END, parent: 'P89' },
  C30334: { code: '30334', level: 'commune', name: 'Xã Vĩnh Châu', valid_to: LEGACY_END, parent: 'P89' },
  C30733: { code: '30733', level: 'commune', name: 'Phường Vĩnh Thanh', valid_to: LEGACY_END, parent: 'P91_OLD' },
  C30316: { code: '30316', level: 'commune', name: 'Phường Châu Đốc', valid_from: REFORM, parent: 'P91' },
  C30325: { code: '30325', level: 'commune', name: 'Phường Vĩnh Tế', valid_from: REFORM, parent: 'P91' },
  C30742: { code: '30742', level: 'commune', name: 'Phường Rạch Giá', valid_from: REFORM, parent: 'P91' },
} as const satisfies Record<string, { code: string; level: 'province' | 'commune'; name: string; valid_from?: string; valid_to?: string; parent?: string }>;

export type UnitKey = keyof typeof unitRows;

const successions: readonly [UnitKey, UnitKey, boolean][] = [
  ['P89', 'P91', false],
  ['P91_OLD', 'P91', false],
  ['P40_OLD', 'P40', false],
  ['C30316_OLD', 'C30316', false],
  ['C30319', 'C30316', false],
  ['C30325_OLD', 'C30325', false],
  ['C30331', 'C30325', false],
  ['C30334', 'C30316', true],
  ['C30334', 'C30325', true],
  ['C30733', 'C30742', false],
];

/** Rules the catalogue does not use, so that every unit and period rule is exercised. */
const testIndicators: IndicatorDefinition[] = [
  { code: 'TEST_MEAN', name_vi: 'Chỉ tiêu thử (trung bình)', name_en: 'Test: mean', measure_unit: '%', direction: 'higher_is_better', aggregation: { units: 'mean', periods: 'mean' } },
  { code: 'TEST_LAST', name_vi: 'Chỉ tiêu thử (cuối cùng)', name_en: 'Test: last', measure_unit: 'x', direction: 'higher_is_better', aggregation: { units: 'last', periods: 'last' } },
  {
    code: 'TEST_WEIGHTED',
    name_vi: 'Chỉ tiêu thử (bình quân gia quyền)',
    name_en: 'Test: weighted mean in time',
    measure_unit: '%',
    direction: 'higher_is_better',
    aggregation: { units: 'weighted_mean', periods: 'weighted_mean' },
    weight: 'GRDP',
  },
];

export interface AggregationFixture {
  readonly t: TestDatabase;
  /** admin_unit.id of each unit version. */
  readonly unit: Record<UnitKey, number>;
  /** Inserts observations (periods first); values are numeric text, exactly as a source would give them. */
  observe(rows: readonly (readonly [indicator: string, unit: UnitKey, period: string, value: string])[]): Promise<void>;
  /** Removes every observation, so each test starts from an empty fact table. */
  clearObservations(): Promise<void>;
}

export async function setUpAggregationDatabase(): Promise<AggregationFixture> {
  const t = await createTestDatabase();
  await loadIndicatorCatalogue(t.db, [...(await readIndicatorCatalogue()), ...testIndicators]);

  const unit = {} as Record<UnitKey, number>;
  for (const [key, row] of Object.entries(unitRows) as [UnitKey, (typeof unitRows)[UnitKey]][]) {
    const parentKey = 'parent' in row ? row.parent : undefined;
    const values: NewAdminUnit = {
      code: row.code,
      level: row.level,
      name: row.name,
      valid_from: 'valid_from' in row ? row.valid_from : null,
      valid_to: 'valid_to' in row ? row.valid_to : null,
      parent_id: parentKey === undefined ? null : unit[parentKey],
      source: 'aggregation-test',
    };
    const { id } = await t.db.insertInto('admin_unit').values(values).returning('id').executeTakeFirstOrThrow();
    unit[key] = id;
  }
  await t.db
    .insertInto('admin_unit_succession')
    .values(successions.map(([from, to, divided]) => ({ predecessor_id: unit[from], successor_id: unit[to], effective_from: REFORM, divided, source: 'aggregation-test' })))
    .execute();

  return {
    t,
    unit,
    async observe(rows) {
      if (rows.length === 0) return;
      await ensurePeriods(t.db, rows.map(([, , period]) => parsePeriod(period)));
      await t.db
        .insertInto('observation')
        .values(rows.map(([indicator, key, period, value]) => ({ indicator_code: indicator, unit_id: unit[key], period_code: period, value, status: 'final', measure_unit: 'x' })))
        .execute();
    },
    async clearObservations() {
      await t.db.deleteFrom('observation').execute();
    },
  };
}

/** The twelve months of a year: ['2025-01', …, '2025-12']. */
export function monthsOfYear(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}
