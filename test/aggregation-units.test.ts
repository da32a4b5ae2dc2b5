import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aggregate, aggregateByCode, dec, formatValue } from '../src/aggregation/index.js';
import { UnitResolutionError } from '../src/errors.js';
import { setUpAggregationDatabase, type AggregationFixture } from './aggregation-fixture.js';

/** Across administrative units: communes -> province, legacy provinces -> the province they merged into. */
describe('aggregation across units', () => {
  let f: AggregationFixture;
  beforeAll(async () => {
    f = await setUpAggregationDatabase();
  });
  afterAll(async () => f.t.drop());
  beforeEach(async () => f.clearObservations());

  describe('sum: communes -> province, legacy provinces -> current province', () => {
    beforeEach(async () => {
      await f.observe([
        ['DVC_DOSSIERS_NEW', 'P89', '2025-03', '1000'], // provincial agencies of legacy An Giang
        ['DVC_DOSSIERS_NEW', 'C30316_OLD', '2025-03', '120'],
        ['DVC_DOSSIERS_NEW', 'C30319', '2025-03', '80'],
        ['DVC_DOSSIERS_NEW', 'C30325_OLD', '2025-03', '50'],
        ['DVC_DOSSIERS_NEW', 'C30334', '2025-03', '30'], // divided legacy commune
        ['DVC_DOSSIERS_NEW', 'P91_OLD', '2025-03', '700'],
        ['DVC_DOSSIERS_NEW', 'C30733', '2025-03', '40'],
      ]);
    });

    it('adds the province-level value and every commune, and says which commune is missing', async () => {
      const r = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P89, period: '2025-03' });
      // 1000 + 120 + 80 + 50 + 30 = 1280 (30331 Xã Vĩnh Tế reported nothing)
      expect(r.value?.toString()).toBe('1280');
      expect(r.reason).toBeUndefined();
      expect(r.notes).toContain(
        'sum of DVC_DOSSIERS_NEW for 89 Tỉnh An Giang (until 2025-06-30): 4 of 5 communes have a value; none for 30331 Xã Vĩnh Tế (until 2025-06-30) (2025-03)',
      );
      expect(r.inputs.map((i) => `${i.unitCode}=${i.value}`)).toEqual(['30316=120', '30319=80', '30325=50', '30334=30', '89=1000']);
    });

    it('rolls legacy 89 and legacy 91 with all their communes into the current An Giang (91)', async () => {
      const r = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P91, period: '2025-03' });
      // (1000 + 120 + 80 + 50 + 30) + (700 + 40) = 2020
      expect(r.value?.toString()).toBe('2020');
      expect(r.unit).toMatchObject({ code: '91', name: 'Tỉnh An Giang', validFrom: '2025-07-01' });
      expect(r.inputs).toHaveLength(7);
      // the divided legacy commune is in, at province level only, and the result says so
      expect(r.notes).toContain(
        'includes divided legacy commune 30334 Xã Vĩnh Châu (until 2025-06-30): its values roll up at province level only, not into any current commune',
      );
    });

    it('a current commune gets its undivided predecessors only, and names the divided legacy commune left out', async () => {
      const chauDoc = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.C30316, period: '2025-03' });
      // 120 (Châu Phú B) + 80 (Châu Phú A) = 200; the 30 of Xã Vĩnh Châu are not split between 30316 and 30325
      expect(chauDoc.value?.toString()).toBe('200');
      expect(chauDoc.notes.some((n) => n.startsWith('leaves out divided legacy commune 30334 Xã Vĩnh Châu (until 2025-06-30)'))).toBe(true);
      expect(chauDoc.notes.join('\n')).toMatch(/roll up at province level only/);
      expect(chauDoc.inputs.map((i) => i.unitCode)).not.toContain('30334');

      const vinhTe = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.C30325, period: '2025-03' });
      // 50 (Núi Sam); Xã Vĩnh Tế has no value, Xã Vĩnh Châu is left out
      expect(vinhTe.value?.toString()).toBe('50');
      expect(vinhTe.notes).toContain(
        'sum of DVC_DOSSIERS_NEW for 30325 Phường Vĩnh Tế (from 2025-07-01): 1 of 2 predecessors has a value; none for 30331 Xã Vĩnh Tế (until 2025-06-30) (2025-03)',
      );
      expect(vinhTe.notes.some((n) => n.startsWith('leaves out divided legacy commune 30334'))).toBe(true);
    });

    it('partial coverage over several months is one note, with the count per month', async () => {
      await f.observe([
        ['DVC_DOSSIERS_NEW', 'C30316_OLD', '2025-02', '110'],
        ['DVC_DOSSIERS_NEW', 'C30319', '2025-02', '70'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'DVC_DOSSIERS_NEW', unitId: f.unit.P89, period: '2025-Q1' });
      // 2025-02: 110 + 70 = 180; 2025-03: 1280 (above); 180 + 1280 = 1460
      expect(r.value?.toString()).toBe('1460');
      expect(r.notes).toEqual([
        'sum of DVC_DOSSIERS_NEW for 89 Tỉnh An Giang (until 2025-06-30): only some of its 5 communes have a value (2025-02: 2, 2025-03: 4); ' +
          'none in any of them for 30331 Xã Vĩnh Tế (until 2025-06-30)',
        'includes divided legacy commune 30334 Xã Vĩnh Châu (until 2025-06-30): its values roll up at province level only, not into any current commune',
        'DVC_DOSSIERS_NEW for 89 Tỉnh An Giang (until 2025-06-30) in 2025-Q1: 2 of 3 months have a value (missing 2025-01)',
      ]);
    });

    it('reads everything with three queries (catalogue, contributor tree, observations)', async () => {
      let queries = 0;
      const counting = f.t.db.withPlugin({
        transformQuery: (args) => {
          queries += 1;
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      });
      const r = await aggregate(counting, { indicator: 'DVC_ONLINE_RATE', unitId: f.unit.P91, period: '2025' });
      expect(r.value).toBeNull();
      expect(queries).toBe(3);
    });
  });

  describe('weighted_mean: the DIGITAL_ECONOMY_SHARE baseline of the merged An Giang', () => {
    const baseline = async () =>
      aggregateByCode(f.t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitCode: '91', level: 'province', period: '2024', asOf: '2025-07-01' });

    beforeEach(async () => {
      await f.observe([
        ['DIGITAL_ECONOMY_SHARE', 'P89', '2024', '5.99'],
        ['DIGITAL_ECONOMY_SHARE', 'P91_OLD', '2024', '6.23'],
      ]);
    });

    it('without GRDP is exactly the unweighted mean 6.11 of the document, and says it is unweighted', async () => {
      const r = await baseline();
      // (5.99 + 6.23) / 2 = 12.22 / 2 = 6.11
      expect(r.value?.equals(dec('6.11'))).toBe(true);
      expect(r.value?.toString()).toBe('6.11');
      expect(r.unit).toMatchObject({ code: '91', name: 'Tỉnh An Giang' });
      expect(r.notes).toContain(
        'unweighted mean of DIGITAL_ECONOMY_SHARE for 91 Tỉnh An Giang (from 2025-07-01): GRDP unknown for 89 Tỉnh An Giang (until 2025-06-30), 91 Tỉnh Kiên Giang (until 2025-06-30) (2024)',
      );
      expect(r.inputs.map((i) => [i.unitCode, i.unitName, i.period, i.value])).toEqual([
        ['89', 'Tỉnh An Giang', '2024', '5.99'],
        ['91', 'Tỉnh Kiên Giang', '2024', '6.23'],
      ]);
    });

    it('with GRDP of both legacy provinces is the GRDP-weighted mean', async () => {
      await f.observe([
        ['GRDP', 'P89', '2024', '100000'],
        ['GRDP', 'P91_OLD', '2024', '150000'],
      ]);
      const r = await baseline();
      // (5.99 × 100000 + 6.23 × 150000) / (100000 + 150000) = (599000 + 934500) / 250000 = 1533500 / 250000 = 6.134
      expect(r.value?.toString()).toBe('6.134');
      expect(r.notes.join('\n')).not.toMatch(/unweighted/);
      expect(r.notes).toContain('DIGITAL_ECONOMY_SHARE for 91 Tỉnh An Giang (from 2025-07-01): mean of 2 units weighted by GRDP (2024)');
      expect(r.parts.filter((p) => p.role === 'weight').map((p) => [p.unitCode, p.unitName, p.value?.toString()])).toEqual([
        ['89', 'Tỉnh An Giang', '100000'],
        ['91', 'Tỉnh Kiên Giang', '150000'],
      ]);
    });

    it('takes each weight by the weight indicator’s own rules (GRDP: quarters summed)', async () => {
      await f.observe([
        ['GRDP', 'P89', '2024', '100000'],
        ...(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'] as const).map((q) => ['GRDP', 'P91_OLD', q, '37500'] as const),
      ]);
      // Kiên Giang's GRDP 2024 = 4 × 37500 = 150000, so the same 6.134
      const r = await baseline();
      expect(r.value?.toString()).toBe('6.134');
    });

    it('falls back to the unweighted mean when one part’s GRDP is unknown, naming it', async () => {
      await f.observe([['GRDP', 'P89', '2024', '100000']]);
      const r = await baseline();
      expect(r.value?.toString()).toBe('6.11');
      expect(r.notes).toContain(
        'unweighted mean of DIGITAL_ECONOMY_SHARE for 91 Tỉnh An Giang (from 2025-07-01): GRDP unknown for 91 Tỉnh Kiên Giang (until 2025-06-30) (2024)',
      );
    });

    it('the code 91 for 2024 without asOf is legacy Kiên Giang, with its own value', async () => {
      const r = await aggregateByCode(f.t.db, { indicator: 'DIGITAL_ECONOMY_SHARE', unitCode: '91', period: '2024' });
      expect(r.unit).toMatchObject({ code: '91', name: 'Tỉnh Kiên Giang', validTo: '2025-06-30' });
      expect(r.value?.toString()).toBe('6.23');
      expect(r.notes).toEqual([]);
    });

    it('formats for display without changing the exact value', async () => {
      const r = await baseline();
      expect(formatValue(r.value, 1)).toBe('6.1');
      expect(formatValue(dec('6.134'), 2)).toBe('6.13');
      expect(formatValue(dec('83.63636363'), 2)).toBe('83.64');
      expect(formatValue(null)).toBe('—');
    });
  });

  describe('mean', () => {
    it('averages the communes of a legacy province, then the legacy provinces of the current one', async () => {
      await f.observe([
        ['TEST_MEAN', 'C30316_OLD', '2024', '40'],
        ['TEST_MEAN', 'C30319', '2024', '50'],
        ['TEST_MEAN', 'C30325_OLD', '2024', '60'],
        ['TEST_MEAN', 'C30733', '2024', '70'],
      ]);
      const p89 = await aggregate(f.t.db, { indicator: 'TEST_MEAN', unitId: f.unit.P89, period: '2024' });
      // (40 + 50 + 60) / 3 = 50
      expect(p89.value?.toString()).toBe('50');
      expect(p89.notes).toContain(
        'mean of TEST_MEAN for 89 Tỉnh An Giang (until 2025-06-30): 3 of 5 communes have a value; none for 30331 Xã Vĩnh Tế (until 2025-06-30), 30334 Xã Vĩnh Châu (until 2025-06-30) (2024)',
      );
      const p91 = await aggregate(f.t.db, { indicator: 'TEST_MEAN', unitId: f.unit.P91, period: '2024' });
      // mean(89: 50, Kiên Giang: 70) = 60 — the mean of its two predecessors, each the mean of its communes
      expect(p91.value?.toString()).toBe('60');
    });

    it('a unit’s own value wins over its contributors', async () => {
      await f.observe([
        ['TEST_MEAN', 'P89', '2024', '45'],
        ['TEST_MEAN', 'C30316_OLD', '2024', '40'],
        ['TEST_MEAN', 'C30733', '2024', '70'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'TEST_MEAN', unitId: f.unit.P91, period: '2024' });
      // mean(89 own: 45, Kiên Giang from its commune: 70) = 57.5; 30316's 40 is not read
      expect(r.value?.toString()).toBe('57.5');
      expect(r.inputs.map((i) => i.unitCode)).toEqual(['30733', '89']);
    });
  });

  describe('last', () => {
    it('own value wins; else a single contributor; else the contributor valid latest', async () => {
      await f.observe([
        ['TEST_LAST', 'P40_OLD', '2024', '7'],
        ['TEST_LAST', 'P89', '2025', '5'],
        ['TEST_LAST', 'C30316', '2025', '11'],
        ['TEST_LAST', 'P91', '2023', '9'],
        ['TEST_LAST', 'C30316_OLD', '2023', '1'],
      ]);
      const single = await aggregate(f.t.db, { indicator: 'TEST_LAST', unitId: f.unit.P40, period: '2024' });
      expect(single.value?.toString()).toBe('7');
      // current commune 30316 (valid from 2025-07-01, open) is more recent than legacy 89 (until 2025-06-30)
      const latest = await aggregate(f.t.db, { indicator: 'TEST_LAST', unitId: f.unit.P91, period: '2025' });
      expect(latest.value?.toString()).toBe('11');
      const own = await aggregate(f.t.db, { indicator: 'TEST_LAST', unitId: f.unit.P91, period: '2023' });
      expect(own.value?.toString()).toBe('9');
    });

    it('two equally recent contributors give no value, with the reason', async () => {
      await f.observe([
        ['TEST_LAST', 'P89', '2024', '3'],
        ['TEST_LAST', 'P91_OLD', '2024', '4'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'TEST_LAST', unitId: f.unit.P91, period: '2024' });
      expect(r.value).toBeNull();
      expect(r.reason).toMatch(/equally recent contributors of 91 Tỉnh An Giang/);
    });
  });

  describe('none', () => {
    it('a single predecessor passes its value through unchanged (legacy Nghệ An 40 -> current 40)', async () => {
      await f.observe([['INNOVATIVE_ENTERPRISE_SHARE', 'P40_OLD', '2024', '35.5']]);
      const r = await aggregateByCode(f.t.db, { indicator: 'INNOVATIVE_ENTERPRISE_SHARE', unitCode: '40', period: '2024', asOf: '2025-12-31' });
      expect(r.unit).toMatchObject({ code: '40', validFrom: '2025-07-01' });
      expect(r.value?.toString()).toBe('35.5');
      expect(r.notes).toContain(
        'INNOVATIVE_ENTERPRISE_SHARE for 40 Tỉnh Nghệ An (from 2025-07-01): value of its single predecessor 40 Tỉnh Nghệ An (until 2025-06-30) carried over unchanged (2024)',
      );
    });

    it('several predecessors give no value: the indicator does not roll up across units', async () => {
      await f.observe([
        ['INNOVATIVE_ENTERPRISE_SHARE', 'P89', '2024', '40'],
        ['INNOVATIVE_ENTERPRISE_SHARE', 'P91_OLD', '2024', '30'],
      ]);
      const r = await aggregate(f.t.db, { indicator: 'INNOVATIVE_ENTERPRISE_SHARE', unitId: f.unit.P91, period: '2024' });
      expect(r.value).toBeNull();
      expect(r.reason).toBe(
        'INNOVATIVE_ENTERPRISE_SHARE does not roll up across units (rule "none"): 91 Tỉnh An Giang (from 2025-07-01) has 2 predecessors ' +
          '(89 Tỉnh An Giang (until 2025-06-30), 91 Tỉnh Kiên Giang (until 2025-06-30)); no value reported for 91 Tỉnh An Giang (from 2025-07-01) itself in 2024',
      );
    });

    it('one of two predecessors with a value is still not the merged province’s value', async () => {
      await f.observe([['INNOVATIVE_ENTERPRISE_SHARE', 'P89', '2024', '40']]);
      const r = await aggregate(f.t.db, { indicator: 'INNOVATIVE_ENTERPRISE_SHARE', unitId: f.unit.P91, period: '2024' });
      expect(r.value).toBeNull();
      expect(r.reason).toMatch(/91 Tỉnh Kiên Giang \(until 2025-06-30\) \(no value\)/);
    });

    it('commune values do not stand for the province', async () => {
      await f.observe([['STI_BUDGET_SHARE', 'C30316_OLD', '2024', '3.2']]);
      const r = await aggregate(f.t.db, { indicator: 'STI_BUDGET_SHARE', unitId: f.unit.P89, period: '2024' });
      expect(r.value).toBeNull();
      expect(r.reason).toMatch(/does not roll up across units .*only its contributing units 30316 Phường Châu Phú B/);
    });
  });

  describe('aggregateByCode', () => {
    it('picks the version valid at the end of the period, or on asOf', async () => {
      await f.observe([
        ['PATENT_APPLICATIONS', 'P91_OLD', '2024', '30'],
        ['PATENT_APPLICATIONS', 'P89', '2024', '20'],
        ['PATENT_APPLICATIONS', 'P91', '2025', '45'],
      ]);
      const kienGiang = await aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS', unitCode: '91', period: '2024' });
      expect(kienGiang.unit.name).toBe('Tỉnh Kiên Giang');
      expect(kienGiang.value?.toString()).toBe('30');
      const anGiang2025 = await aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS', unitCode: '91', period: '2025' });
      expect(anGiang2025.unit.name).toBe('Tỉnh An Giang');
      expect(anGiang2025.value?.toString()).toBe('45');
      // comparable series: the current An Giang in 2024 = 20 + 30
      const anGiang2024 = await aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS', unitCode: '91', period: '2024', asOf: '2025-07-01' });
      expect(anGiang2024.value?.toString()).toBe('50');
      // the legacy code 89 still exists in 2024 but not at the end of 2025
      const p89 = await aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS', unitCode: '89', level: 'province', period: '2024-Q2' });
      expect(p89.value).toBeNull();
      expect(p89.reason).toMatch(/^no PATENT_APPLICATIONS value for 89 Tỉnh An Giang/);
      await expect(aggregateByCode(f.t.db, { indicator: 'PATENT_APPLICATIONS', unitCode: '89', period: '2025' })).rejects.toThrow(UnitResolutionError);
    });

    it('refuses an unknown indicator', async () => {
      await expect(aggregate(f.t.db, { indicator: 'NO_SUCH_INDICATOR', unitId: f.unit.P91, period: '2025' })).rejects.toThrow(/Indicator "NO_SUCH_INDICATOR" does not exist/);
    });
  });
});
