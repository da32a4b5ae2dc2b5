import { describe, expect, it } from 'vitest';
import { assessProgress, baselineOf, latestOf, type Direction, type ProgressTarget, type SeriesPoint } from '../src/targets/progress.js';

const target = (comparison: string, value: string, valueMax: string | null = null, year = 2030): ProgressTarget => ({ comparison, value, valueMax, year });
const at = (period: string, value: string): SeriesPoint => ({ period, value });
const progress = (t: ProgressTarget, latest: SeriesPoint | null, baseline: SeriesPoint | null, direction: Direction = 'higher_is_better') =>
  assessProgress({ target: t, direction, latest, baseline });

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
    expect(progress(target('lte', '6'), at('2025', '9.3'), at('2024', '10'), 'lower_is_better')).toMatchObject({ status: 'on track', expected: '9.333333' });
    expect(progress(target('lte', '6'), at('2025', '9.4'), at('2024', '10'), 'lower_is_better')).toMatchObject({ status: 'at risk', expected: '9.333333' });
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
