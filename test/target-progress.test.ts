import { describe, expect, it } from 'vitest';
import { displayDecimal, jsonDecimal } from '../src/numbers/decimal-text.js';
import { assessProgress, baselineOf, latestOf, type Direction, type ProgressTarget, type SeriesPoint } from '../src/targets/progress.js';

const target = (comparison: string, value: string, valueMax: string | null = null, year = 2030): ProgressTarget => ({ comparison, value, valueMax, year });
const at = (period: string, value: string): SeriesPoint => ({ period, value });
/** Reasons rounded to 0 places here (a count's); the rounding of each kind has its own tests below. */
const progress = (t: ProgressTarget, latest: SeriesPoint | null, baseline: SeriesPoint | null, direction: Direction = 'higher_is_better', decimals = 0) =>
  assessProgress({ target: t, direction, latest, baseline, decimals });

/**
 * The line runs from the end of the baseline year to the end of the target year: from 2024 to 2030 is 72 months,
 * so a 2025 value is 12/72 = 1/6 of the way, a 2026 value 1/3, a 2025-Q2 value 6/72 = 1/12.
 */
describe('progress toward a target', () => {
  it('met: the latest value satisfies the target, whatever the line says', () => {
    expect(progress(target('gt', '80'), at('2025', '85'), at('2024', '60'))).toMatchObject({ status: 'met', gap: '-5', expected: null });
    // A strict target is not met by its own value.
    expect(progress(target('gt', '80'), at('2025', '80'), at('2024', '60')).status).not.toBe('met');
  });

  it('on track / at risk: at or ahead of the straight line from the baseline, or behind it', () => {
    // > 80 by 2030 from 50 in 2024: the line stands at 50 + 30 / 6 = 55 in 2025.
    expect(progress(target('gt', '80'), at('2025', '56'), at('2024', '50'))).toEqual({
      status: 'on track', expected: '55', gap: '24', aim: 'up',
      reason: 'not met yet; 56 in 2025 is at or ahead of the line from 50 in 2024 to 80 in 2030, which stands at 55 there',
    });
    expect(progress(target('gt', '80'), at('2025', '55'), at('2024', '50')).status).toBe('on track');
    expect(progress(target('gt', '80'), at('2025', '54.99'), at('2024', '50'))).toMatchObject({ status: 'at risk', expected: '55', gap: '25.01' });
  });

  it('a quarter counts by its end: the digital economy from its 6.11 baseline of 2024', () => {
    // >= 20 by 2030; 2025-Q2 is 1/12 of the way: 6.11 + (20 - 6.11) / 12 = 7.2675.
    expect(progress(target('gte', '20'), at('2025-Q2', '7.3'), at('2024', '6.11'))).toMatchObject({ status: 'on track', expected: '7.2675', gap: '12.7' });
    expect(progress(target('gte', '20'), at('2025-Q2', '7.2'), at('2024', '6.11'))).toMatchObject({ status: 'at risk', expected: '7.2675' });
  });

  it('no data: no value at all', () => {
    expect(progress(target('gte', '20'), null, null)).toMatchObject({ status: 'no data', expected: null, gap: null });
  });

  it('lower is better: a rank in the top 30 comes down the line', () => {
    // PII rank 48 in 2024, top 30 by 2030: the line stands at 48 - 18 / 3 = 42 in 2026.
    expect(progress(target('top', '30'), at('2026', '40'), at('2024', '48'), 'lower_is_better')).toMatchObject({ status: 'on track', expected: '42', gap: '-10', aim: 'down' });
    expect(progress(target('top', '30'), at('2026', '44'), at('2024', '48'), 'lower_is_better')).toMatchObject({ status: 'at risk', expected: '42', gap: '-14' });
    expect(progress(target('top', '30'), at('2026', '30'), at('2024', '48'), 'lower_is_better').status).toBe('met');
    // "<=" on a lower-is-better indicator: the same way down, 1/6 of the way in 2025: 10 - 4 / 6 = 9.333333.
    expect(progress(target('lte', '6'), at('2025', '9.3'), at('2024', '10'), 'lower_is_better')).toMatchObject({ status: 'on track', expected: '9.333333333333' });
    expect(progress(target('lte', '6'), at('2025', '9.4'), at('2024', '10'), 'lower_is_better')).toMatchObject({ status: 'at risk', expected: '9.333333333333' });
  });

  it('a range target: met inside it; otherwise the line to the bound the indicator\'s direction reaches first', () => {
    const growth = target('range', '16', '18');
    expect(progress(growth, at('2025', '17'), at('2024', '4'))).toMatchObject({ status: 'met', gap: '0' });
    // Higher is better: towards 16, standing at 4 + 12 / 6 = 6 in 2025.
    expect(progress(growth, at('2025', '7'), at('2024', '4'))).toMatchObject({ status: 'on track', expected: '6', gap: '9' });
    expect(progress(growth, at('2025', '5'), at('2024', '4'))).toMatchObject({ status: 'at risk', expected: '6', gap: '11' });
    // Past the range on the better side: not met (the gap says how far back), but ahead of the line.
    expect(progress(growth, at('2025', '20'), at('2024', '4'))).toMatchObject({ status: 'on track', gap: '-2' });
    // Lower is better: towards 18 from above, standing at 30 - 12 / 6 = 28 in 2025.
    expect(progress(growth, at('2025', '25'), at('2024', '30'), 'lower_is_better')).toMatchObject({ status: 'on track', expected: '28', gap: '-7', aim: 'down' });
    expect(progress(growth, at('2025', '29'), at('2024', '30'), 'lower_is_better')).toMatchObject({ status: 'at risk', expected: '28' });
  });

  it('at risk when not met and there is no earlier year to measure progress from', () => {
    expect(progress(target('top', '30'), at('2024', '45'), null, 'lower_is_better')).toMatchObject({
      status: 'at risk', expected: null, gap: '-15', reason: 'not met, and no yearly value before 2024 to measure progress from',
    });
  });

  it('past the target year the line stands at the target', () => {
    expect(progress(target('gte', '20', null, 2025), at('2026', '19'), at('2024', '6'))).toMatchObject({ status: 'at risk', expected: '20' });
  });
});

describe('the values compared', () => {
  const series = [at('2024', '50'), at('2025', '56'), at('2025-Q3', '57'), at('2026-Q1', '60'), at('2026-01', '59')];

  it('latest: an ended year first, then the latest quarter, then month (as the demo table)', () => {
    expect(latestOf(series, '2026-03-01')).toEqual(at('2025', '56'));
    // 2025 not ended yet on 2025-12-01: the last ended year is 2024.
    expect(latestOf(series, '2025-12-01')).toEqual(at('2024', '50'));
    expect(latestOf([at('2026-Q1', '60'), at('2025-Q3', '57'), at('2026-01', '59')], '2026-05-01')).toEqual(at('2026-Q1', '60'));
    // Only a period under way: still the value, rather than none.
    expect(latestOf([at('2026-05', '3')], '2026-05-10')).toEqual(at('2026-05', '3'));
    expect(latestOf([], '2026-05-10')).toBeNull();
  });

  it('baseline: the year up to the base year, else the earliest year before the latest value', () => {
    const years = [at('2022', '40'), at('2023', '45'), at('2024', '50'), at('2025', '56')];
    expect(baselineOf(years, 2024, at('2025', '56'))).toEqual(at('2024', '50'));
    expect(baselineOf(years, 2024, at('2024', '50'))).toEqual(at('2023', '45'));
    expect(baselineOf([at('2025', '5'), at('2026', '7')], 2024, at('2026', '7'))).toEqual(at('2025', '5'));
    expect(baselineOf([at('2024', '5')], 2024, at('2024', '5'))).toBeNull();
    expect(baselineOf(years, 2024, null)).toBeNull();
  });
});

describe('numbers as people read them, exact in JSON', () => {
  // A ratio as the warehouse stores it: 2 / 3 × 100 to decimal.js' 40 significant digits.
  const twoThirds = '66.66666666666666666666666666666666666667';

  it('a percentage (2 places): the reason rounds, expected and gap stay exact at 12 decimals', () => {
    // By hand: the line from 50 (2024) to 80 (2030) stands at 50 + 30 × 12/72 = 55 in 2025; 66.67 is ahead of it.
    const p = progress(target('gt', '80'), at('2025', twoThirds), at('2024', '50'), 'higher_is_better', 2);
    expect(p).toMatchObject({ status: 'on track', expected: '55', gap: '13.333333333333' });
    expect(p.reason).toBe('not met yet; 66.67 in 2025 is at or ahead of the line from 50.00 in 2024 to 80.00 in 2030, which stands at 55.00 there');
  });

  it('a count (0 places) and per 10,000 (1 place), half up', () => {
    // 2025-Q2 is 6/72 of the way from 2024 (1000) to 2030 (1500): 1000 + 500 / 12 = 1041.666…
    const count = progress(target('gte', '1500'), at('2025-Q2', '1041.5'), at('2024', '1000'), 'higher_is_better', 0);
    expect(count).toMatchObject({ status: 'at risk', expected: '1041.666666666667', gap: '458.5' });
    expect(count.reason).toBe('not met yet; 1042 in 2025-Q2 is behind the line from 1000 in 2024 to 1500 in 2030, which stands at 1042 there');
    // 12.25 → 12.3 (half up); 1/3 of the way from 10 to 20 in 2026: 13.333… → 13.3.
    const per10k = progress(target('gte', '20'), at('2026', '12.25'), at('2024', '10'), 'higher_is_better', 1);
    expect(per10k).toMatchObject({ status: 'at risk', expected: '13.333333333333', gap: '7.75' });
    expect(per10k.reason).toBe('not met yet; 12.3 in 2026 is behind the line from 10.0 in 2024 to 20.0 in 2030, which stands at 13.3 there');
  });

  it('an index (3 places), and the line computed from its parts, never a rounded share', () => {
    // HDI: from 0.7 (2024) to 0.75 (2030), 1/6 of the way in 2025: 0.7 + 0.05 / 6 = 0.708333…
    const p = progress(target('gte', '0.75'), at('2025', '0.7085'), at('2024', '0.7'), 'higher_is_better', 3);
    expect(p).toMatchObject({ status: 'on track', expected: '0.708333333333', gap: '0.0415' });
    expect(p.reason).toContain('0.709 in 2025 is at or ahead of the line from 0.700 in 2024 to 0.750 in 2030, which stands at 0.708 there');
  });
});

describe('decimal text', () => {
  it('JSON: at most 12 decimals, no exponent, no trailing zeros, never -0', () => {
    expect(jsonDecimal('66.66666666666666666666666666666666666667')).toBe('66.666666666667');
    expect(jsonDecimal('0.00000000000000001')).toBe('0');
    expect(jsonDecimal('-0.0000000000004')).toBe('0');
    expect(jsonDecimal('1e-7')).toBe('0.0000001');
    expect(jsonDecimal('123456789012345678901234567890')).toBe('123456789012345678901234567890');
    expect(jsonDecimal('5.990')).toBe('5.99');
  });

  it('display: rounded half up to the places given, zeros kept', () => {
    expect(displayDecimal('66.66666666666666666666666666666666666667', 2)).toBe('66.67');
    expect(displayDecimal('6.115', 2)).toBe('6.12');
    expect(displayDecimal('-2.5', 0)).toBe('-3');
    expect(displayDecimal('-0.004', 2)).toBe('0.00');
    expect(displayDecimal('1234', 0)).toBe('1234');
    expect(displayDecimal('3.25', 1)).toBe('3.3');
    expect(displayDecimal('50', 2)).toBe('50.00');
  });
});
