import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregate, aggregateByCode, dec } from '../src/aggregation/index.js';
import { setUpAggregationDatabase, type AggregationFixture } from './aggregation-fixture.js';

/** Derived indicators: recomputed from their aggregated inputs, never averaged; no value is never 0. */
describe('aggregation of derived indicators', () => {
  let f: AggregationFixture;
  beforeAll(async () => {
    f = await setUpAggregationDatabase();
  });
  afterAll(async () => f.t.drop());
  beforeEach(async () => f.clearObservations());

  describe('ratio', () => {
    it('recomputes the rate from the summed parts, which differs from the mean of the communes’ rates', async () => {
      await f.observe([
        ['DVC_DOSSIERS_RESOLVED_ON_TIME', 'C30316_OLD', '2024', '340'],
        ['DVC_DOSSIERS_RESOLVED', 'C30316_OLD', '2024', '400'], // 85 %
        ['DVC_DOSSIERS_RESOLVED_ON_TIME', 'C30319', '2024', '120'],
        ['DVC_DOSSIERS_RESOLVED', 'C30319', '2024', '150'], // 80 %
      ]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_ON_TIME_RATE', unitId: f.unit.P89, period: '2024' });
      // (340 + 120) / (400 + 150) × 100 = 460 / 550 × 100 = 83.6363…
      expect(r.value?.equals(dec(46000).dividedBy(550))).toBe(true);
      expect(r.value?.toDecimalPlaces(4).toString()).toBe('83.6364');
      // the mean of the ratios, (85 + 80) / 2 = 82.5, is what must NOT come out
      expect(r.value?.equals(dec('82.5'))).toBe(false);
      expect(r.parts.map((p) => [p.role, p.indicator, p.value?.toString()])).toEqual([
        ['numerator', 'DVC_DOSSIERS_RESOLVED_ON_TIME', '460'],
        ['denominator', 'DVC_DOSSIERS_RESOLVED', '550'],
      ]);
      expect(r.inputs).toHaveLength(4);
    });

    it('RD_PERSONNEL_PER_10K = RD_PERSONNEL / POPULATION × 10,000 with the population last in the period', async () => {
      await f.observe([
        ['RD_PERSONNEL', 'P40_OLD', '2024', '1500'],
        ['POPULATION', 'P40_OLD', '2024-Q1', '3400000'],
        ['POPULATION', 'P40_OLD', '2024-Q2', '3420000'],
        ['POPULATION', 'P40_OLD', '2024-Q3', '3440000'],
        ['POPULATION', 'P40_OLD', '2024-Q4', '3450000'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'RD_PERSONNEL_PER_10K', unitId: f.unit.P40_OLD, period: '2024' });
      // population 2024 = Q4 = 3,450,000 (not the sum, not the mean); 1500 / 3450000 × 10000 = 4.347826086956…
      expect(r.value?.equals(dec(15_000_000).dividedBy(3_450_000))).toBe(true);
      expect(r.value?.toDecimalPlaces(6).toString()).toBe('4.347826');
      expect(r.parts.find((p) => p.role === 'denominator')?.value?.toString()).toBe('3450000');
    });

    it('for the merged province, numerator and denominator are each summed over the legacy provinces', async () => {
      await f.observe([
        ['RD_PERSONNEL', 'P89', '2024', '800'],
        ['RD_PERSONNEL', 'P91_OLD', '2024', '700'],
        ['POPULATION', 'P89', '2024', '1900000'],
        ['POPULATION', 'P91_OLD', '2024', '1750000'],
      ]);
      const r = await aggregateByCode(f.t.db, { indicator: 'RD_PERSONNEL_PER_10K', unitCode: '91', period: '2024', asOf: '2025-07-01' });
      // (800 + 700) / (1,900,000 + 1,750,000) × 10000 = 15,000,000 / 3,650,000 = 4.109589041…
      expect(r.value?.toDecimalPlaces(6).toString()).toBe('4.109589');
      // not the mean of 89's 4.2105… and Kiên Giang's 4.0 (= 4.1052…)
      expect(r.value?.toDecimalPlaces(3).toString()).not.toBe('4.105');
    });

    it('several denominator inputs are added (CASHLESS_TXN_SHARE = NONCASH / (NONCASH + CASH) × 100)', async () => {
      await f.observe([
        ['NONCASH_TXN_COUNT', 'P40_OLD', '2024', '300'],
        ['CASH_WITHDRAWAL_COUNT', 'P40_OLD', '2024', '100'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'CASHLESS_TXN_SHARE', unitId: f.unit.P40_OLD, period: '2024' });
      // 300 / (300 + 100) × 100 = 75
      expect(r.value?.toString()).toBe('75');
    });

    it('a missing input gives no value (never 0) and a reason naming the input, the unit and the period', async () => {
      await f.observe([['DVC_DOSSIERS_ONLINE', 'P40', '2025-08', '12']]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P40, period: '2025-Q3' });
      expect(r.value).toBeNull();
      expect(r.reason).toBe(
        'DVC_ONLINE_RATE for 40 Tỉnh Nghệ An (from 2025-07-01) in 2025-Q3 cannot be computed: DVC_DOSSIERS_NEW has no value ' +
          '(no DVC_DOSSIERS_NEW value for 40 Tỉnh Nghệ An (from 2025-07-01) or its contributing units in 2025-Q3 or any of its months)',
      );
      expect(r.parts.map((p) => [p.indicator, p.value?.toString() ?? null])).toEqual([
        ['DVC_DOSSIERS_ONLINE', '12'],
        ['DVC_DOSSIERS_NEW', null],
      ]);
    });

    it('a zero denominator gives no value and says so', async () => {
      await f.observe([
        ['DVC_DOSSIERS_ONLINE', 'P40', '2025-08', '0'],
        ['DVC_DOSSIERS_NEW', 'P40', '2025-08', '0'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P40, period: '2025-08' });
      expect(r.value).toBeNull();
      expect(r.reason).toBe('DVC_ONLINE_RATE for 40 Tỉnh Nghệ An (from 2025-07-01) in 2025-08 cannot be computed: the denominator (DVC_DOSSIERS_NEW) is zero');
    });

    it('uses a directly reported value of the derived indicator when its inputs are missing, with a note', async () => {
      await f.observe([['DVC_ONLINE_RATE', 'P40_OLD', '2023', '47.5']]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P40_OLD, period: '2023' });
      expect(r.value?.toString()).toBe('47.5');
      expect(r.notes).toHaveLength(1);
      expect(r.notes[0]).toMatch(/^DVC_ONLINE_RATE for 40 Tỉnh Nghệ An \(until 2025-06-30\) in 2023 cannot be computed: DVC_DOSSIERS_ONLINE has no value .*; the value reported directly for DVC_ONLINE_RATE is used instead$/);
      expect(r.inputs.map((i) => [i.indicator, i.value])).toEqual([['DVC_ONLINE_RATE', '47.5']]);
    });

    it('inputs win over a directly reported value when they give one', async () => {
      await f.observe([
        ['DVC_ONLINE_RATE', 'P40_OLD', '2023', '47.5'],
        ['DVC_DOSSIERS_ONLINE', 'P40_OLD', '2023', '50'],
        ['DVC_DOSSIERS_NEW', 'P40_OLD', '2023', '200'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P40_OLD, period: '2023' });
      // 50 / 200 × 100 = 25
      expect(r.value?.toString()).toBe('25');
      expect(r.notes).toEqual([]);
    });
  });

  describe('growth', () => {
    it('compares the current An Giang’s 2025 with 2024 of the same contributors (legacy 89 + 91)', async () => {
      await f.observe([
        ['PATENT_APPLICATIONS', 'P89', '2024', '20'],
        ['PATENT_APPLICATIONS', 'P91_OLD', '2024', '30'],
        ['PATENT_APPLICATIONS', 'P91', '2025', '45'],
        ['PATENT_APPLICATIONS', 'C30742', '2025', '15'],
      ]);
      const r = await aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS_GROWTH', unitCode: '91', period: '2025' });
      // 2025: 45 + 15 = 60; 2024: 20 + 30 = 50; (60 / 50 − 1) × 100 = 20
      expect(r.value?.toString()).toBe('20');
      expect(r.parts.map((p) => [p.role, p.period, p.value?.toString()])).toEqual([
        ['current', '2025', '60'],
        ['previous', '2024', '50'],
      ]);
    });

    it('is yearly only', async () => {
      await f.observe([['PATENT_APPLICATIONS', 'P91', '2025-Q3', '10']]);
      const r = await aggregate(f.t.db, { indicator: 'PATENT_APPLICATIONS_GROWTH', unitId: f.unit.P91, period: '2025-Q3' });
      expect(r.value).toBeNull();
      expect(r.reason).toBe('PATENT_APPLICATIONS_GROWTH is a growth rate over years only: 2025-Q3 is not a year');
    });

    it('no previous year, or a previous year of zero, gives no value with the reason', async () => {
      await f.observe([
        ['PATENT_APPLICATIONS', 'P40', '2025', '12'],
        ['PATENT_APPLICATIONS', 'P40_OLD', '2022', '0'],
        ['PATENT_APPLICATIONS', 'P40_OLD', '2023', '5'],
      ]);
      const noPrevious = await aggregate(f.t.db, { indicator: 'PATENT_APPLICATIONS_GROWTH', unitId: f.unit.P40, period: '2025' });
      expect(noPrevious.value).toBeNull();
      expect(noPrevious.reason).toBe(
        'PATENT_APPLICATIONS_GROWTH for 40 Tỉnh Nghệ An (from 2025-07-01) in 2025 cannot be computed: PATENT_APPLICATIONS has no value for the previous year ' +
          '(no PATENT_APPLICATIONS value for 40 Tỉnh Nghệ An (from 2025-07-01) or its contributing units in 2024 or any of its quarters or months)',
      );
      const zero = await aggregate(f.t.db, { indicator: 'PATENT_APPLICATIONS_GROWTH', unitId: f.unit.P40_OLD, period: '2023' });
      expect(zero.value).toBeNull();
      expect(zero.reason).toBe('PATENT_APPLICATIONS_GROWTH for 40 Tỉnh Nghệ An (until 2025-06-30) in 2023 cannot be computed: PATENT_APPLICATIONS was zero in 2022');
    });

    it('a growth from quarterly applications sums the quarters of both years', async () => {
      await f.observe([
        ['PATENT_APPLICATIONS', 'P40_OLD', '2023-Q1', '3'],
        ['PATENT_APPLICATIONS', 'P40_OLD', '2023-Q3', '5'],
        ['PATENT_APPLICATIONS', 'P40_OLD', '2024', '10'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'PATENT_APPLICATIONS_GROWTH', unitId: f.unit.P40_OLD, period: '2024' });
      // 2023: 3 + 5 = 8 (2 quarters of 4, said in a note); (10 / 8 − 1) × 100 = 25
      expect(r.value?.toString()).toBe('25');
      expect(r.notes).toEqual([
        'PATENT_APPLICATIONS for 40 Tỉnh Nghệ An (until 2025-06-30) in 2023: 6 of 12 months have a value (missing 2023-04 – 2023-06, 2023-10 – 2023-12)',
      ]);
    });
  });
});
