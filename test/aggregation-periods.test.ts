import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregate, aggregateByCode, dec, formatValue } from '../src/aggregation/index.js';
import { monthsOfYear, setUpAggregationDatabase, type AggregationFixture, type UnitKey } from './aggregation-fixture.js';

type Row = readonly [indicator: string, unit: UnitKey, period: string, value: string];

/** Across periods (months -> quarter -> year), after units have been combined at each exact period. */
describe('aggregation across periods', () => {
  let f: AggregationFixture;
  beforeAll(async () => {
    f = await setUpAggregationDatabase();
  });
  afterAll(async () => f.t.drop());
  beforeEach(async () => f.clearObservations());

  describe('a series across the reform of 2025-07-01', () => {
    beforeEach(async () => {
      const rows: Row[] = [];
      for (const m of monthsOfYear(2025).slice(0, 6)) {
        rows.push(['DVC_DOSSIERS_NEW', 'P89', m, '100'], ['DVC_DOSSIERS_ONLINE', 'P89', m, '60']);
        rows.push(['DVC_DOSSIERS_NEW', 'P91_OLD', m, '50'], ['DVC_DOSSIERS_ONLINE', 'P91_OLD', m, '20']);
      }
      for (const m of monthsOfYear(2025).slice(6)) {
        rows.push(['DVC_DOSSIERS_NEW', 'P91', m, '200'], ['DVC_DOSSIERS_ONLINE', 'P91', m, '150']);
      }
      await f.observe(rows);
    });

    it('sums months into quarters and quarters into the year, legacy 89 + 91 before July and current 91 after', async () => {
      const r = await aggregateByCode(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitCode: '91', period: '2025' });
      // Jan–Jun: 6 × (100 + 50) = 900; Jul–Dec: 6 × 200 = 1200; 900 + 1200 = 2100
      expect(r.value?.toString()).toBe('2100');
      expect(r.notes).toEqual([]);
      expect(r.inputs).toHaveLength(18);
      const q2 = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P91, period: '2025-Q2' });
      // 3 × (100 + 50) = 450
      expect(q2.value?.toString()).toBe('450');
      const q3 = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P91, period: '2025-Q3' });
      expect(q3.value?.toString()).toBe('600');
    });

    it('DVC_ONLINE_RATE for the current An Giang in 2025 is recomputed from the yearly sums, not averaged', async () => {
      const r = await aggregateByCode(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitCode: '91', period: '2025' });
      // online: 6 × (60 + 20) + 6 × 150 = 480 + 900 = 1380; new: 2100 (above)
      // 1380 / 2100 × 100 = 65.714285714285…
      expect(r.value?.equals(dec(138000).dividedBy(2100))).toBe(true);
      expect(r.value?.toDecimalPlaces(10).toString()).toBe('65.7142857143');
      expect(formatValue(r.value)).toBe('65.71');
      // the mean of the monthly rates would be (6 × 80/150 + 6 × 150/200) / 12 × 100 = (53.33… + 75) / 2 = 64.1666…
      expect(r.value?.toDecimalPlaces(2).toString()).not.toBe('64.17');
      expect(r.parts.map((p) => [p.role, p.indicator, p.value?.toString()])).toEqual([
        ['numerator', 'DVC_DOSSIERS_ONLINE', '1380'],
        ['denominator', 'DVC_DOSSIERS_NEW', '2100'],
      ]);
      // the steward can see every monthly figure used, with the unit version it belongs to
      expect(r.inputs.filter((i) => i.indicator === 'DVC_DOSSIERS_NEW' && i.period === '2025-03').map((i) => `${i.unitCode} ${i.unitName}=${i.value}`)).toEqual([
        '89 Tỉnh An Giang=100',
        '91 Tỉnh Kiên Giang=50',
      ]);
    });

    it('a quarter before the reform: legacy units only', async () => {
      const r = await aggregate(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P91, period: '2025-Q1' });
      // 3 × 80 / (3 × 150) × 100 = 240 / 450 × 100 = 53.333…
      expect(r.value?.toDecimalPlaces(6).toString()).toBe('53.333333');
    });
  });

  it('sum: partial coverage is said ("9 of 12 months")', async () => {
    const rows: Row[] = [];
    for (const m of monthsOfYear(2025).slice(0, 6)) rows.push(['DVC_DOSSIERS_NEW', 'P40_OLD', m, '10']);
    for (const m of monthsOfYear(2025).slice(6, 9)) rows.push(['DVC_DOSSIERS_NEW', 'P40', m, '20']);
    await f.observe(rows);
    const r = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P40, period: '2025' });
    // 6 × 10 + 3 × 20 = 120, October to December missing
    expect(r.value?.toString()).toBe('120');
    expect(r.notes).toEqual(['DVC_DOSSIERS_NEW for 40 Tỉnh Nghệ An (from 2025-07-01) in 2025: 9 of 12 months have a value (missing 2025-10 – 2025-12)']);
  });

  it('a value reported for the whole period wins over sub-periods, and units reporting only months are named', async () => {
    await f.observe([
      ['DVC_DOSSIERS_NEW', 'P89', '2024', '5000'],
      ['DVC_DOSSIERS_NEW', 'C30319', '2024-01', '10'],
    ]);
    const r = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P89, period: '2024' });
    expect(r.value?.toString()).toBe('5000');
    expect(r.notes).toEqual([
      'DVC_DOSSIERS_NEW for 89 Tỉnh An Giang (until 2025-06-30): the value reported for 2024 is used as is; 30319 Phường Châu Phú A (until 2025-06-30) reported only for sub-periods of 2024, not included',
    ]);
  });

  describe('last', () => {
    it('takes the latest month of a quarter and the latest quarter of a year, summing units at each month', async () => {
      await f.observe([
        ['DVC_PROCEDURES', 'P89', '2025-01', '2100'],
        ['DVC_PROCEDURES', 'P89', '2025-02', '2120'],
        ['DVC_PROCEDURES', 'P89', '2025-03', '2143'], // seed 003: 2,143 procedures at the end of March 2025
        ['DVC_PROCEDURES', 'P91_OLD', '2025-03', '1800'],
        ['DVC_PROCEDURES', 'P91', '2025-09', '4100'],
      ]);
      const q1 = await aggregate(f.t.db, { indicator: 'DVC_PROCEDURES', unitId: f.unit.P89, period: '2025-Q1' });
      expect(q1.value?.toString()).toBe('2143');
      expect(q1.notes).toEqual([]);
      const q1Merged = await aggregate(f.t.db, { indicator: 'DVC_PROCEDURES', unitId: f.unit.P91, period: '2025-Q1' });
      // units first: 2143 + 1800 = 3943 at 2025-03, the last month of the quarter
      expect(q1Merged.value?.toString()).toBe('3943');
      const year = await aggregate(f.t.db, { indicator: 'DVC_PROCEDURES', unitId: f.unit.P91, period: '2025' });
      // latest quarter with a value is Q3, whose latest month with a value is September: 4100 (never 3943 + 4100)
      expect(year.value?.toString()).toBe('4100');
      expect(year.notes).toEqual(['DVC_PROCEDURES for 91 Tỉnh An Giang (from 2025-07-01) in 2025: last value available is for 2025-09']);
    });
  });

  describe('mean', () => {
    it('averages quarters into the year, a quarter built from its months first', async () => {
      await f.observe([
        ['TEST_MEAN', 'P40_OLD', '2024-Q1', '10'],
        ['TEST_MEAN', 'P40_OLD', '2024-Q2', '20'],
        ['TEST_MEAN', 'P40_OLD', '2024-Q3', '30'],
        ['TEST_MEAN', 'P40_OLD', '2024-10', '40'],
        ['TEST_MEAN', 'P40_OLD', '2024-11', '50'],
        ['TEST_MEAN', 'P40_OLD', '2024-12', '60'],
      ]);
      const q4 = await aggregate(f.t.db, { indicator: 'TEST_MEAN', unitId: f.unit.P40_OLD, period: '2024-Q4' });
      // (40 + 50 + 60) / 3 = 50
      expect(q4.value?.toString()).toBe('50');
      const year = await aggregate(f.t.db, { indicator: 'TEST_MEAN', unitId: f.unit.P40_OLD, period: '2024' });
      // (10 + 20 + 30 + 50) / 4 = 27.5
      expect(year.value?.toString()).toBe('27.5');
      expect(year.notes).toEqual([]);
    });
  });

  describe('weighted_mean', () => {
    it('weights each quarter by the weight indicator of that quarter', async () => {
      await f.observe([
        ['TEST_WEIGHTED', 'P40_OLD', '2024-Q1', '10'],
        ['TEST_WEIGHTED', 'P40_OLD', '2024-Q2', '20'],
        ['GRDP', 'P40_OLD', '2024-Q1', '100'],
        ['GRDP', 'P40_OLD', '2024-Q2', '300'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'TEST_WEIGHTED', unitId: f.unit.P40_OLD, period: '2024' });
      // (10 × 100 + 20 × 300) / (100 + 300) = 7000 / 400 = 17.5 (the unweighted mean would be 15)
      expect(r.value?.toString()).toBe('17.5');
      expect(r.notes).toEqual([
        'TEST_WEIGHTED for 40 Tỉnh Nghệ An (until 2025-06-30) in 2024: mean of 2 quarters weighted by GRDP',
        'TEST_WEIGHTED for 40 Tỉnh Nghệ An (until 2025-06-30) in 2024: 6 of 12 months have a value (missing 2024-07 – 2024-12)',
      ]);
    });

    it('falls back to the unweighted mean when a quarter’s weight is unknown, and says so', async () => {
      await f.observe([
        ['TEST_WEIGHTED', 'P40_OLD', '2024-Q1', '10'],
        ['TEST_WEIGHTED', 'P40_OLD', '2024-Q2', '20'],
        ['GRDP', 'P40_OLD', '2024-Q1', '100'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'TEST_WEIGHTED', unitId: f.unit.P40_OLD, period: '2024' });
      // (10 + 20) / 2 = 15
      expect(r.value?.toString()).toBe('15');
      expect(r.notes).toContain('unweighted mean of TEST_WEIGHTED for 40 Tỉnh Nghệ An (until 2025-06-30) over the quarters of 2024: GRDP unknown for 2024-Q2');
    });
  });

  describe('none', () => {
    it('a yearly share is not built from quarters', async () => {
      await f.observe([['DIGITAL_ECONOMY_SHARE', 'P89', '2024-Q1', '5.5']]);
      const quarter = await aggregate(f.t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitId: f.unit.P89, period: '2024-Q1' });
      expect(quarter.value?.toString()).toBe('5.5');
      const year = await aggregate(f.t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitId: f.unit.P89, period: '2024' });
      expect(year.value).toBeNull();
      expect(year.reason).toBe(
        'DIGITAL_ECONOMY_SHARE is not combined across periods (rule "none"): no value for 89 Tỉnh An Giang (until 2025-06-30) for exactly 2024 (values exist for some of its sub-periods)',
      );
    });

    it('nothing reported at all: the reason says there is no value', async () => {
      const r = await aggregate(f.t.db, { indicator: 'HDI', unitId: f.unit.P91, period: '2025' });
      expect(r.value).toBeNull();
      expect(r.reason).toBe('no HDI value for 91 Tỉnh An Giang (from 2025-07-01) or its 5 contributing units in 2025');
      expect(r.inputs).toEqual([]);
    });
  });
});
