import type { Decimal } from 'decimal.js';
import { dec } from '../aggregation/index.js';
import { displayDecimal, jsonDecimal } from '../numbers/decimal-text.js';
import { endsOn, parsePeriod, type Period } from '../periods/period.js';
import { assessTarget, type TargetRule } from './assessment.js';

/**
 * Progress toward a target (pure: no database). A target is `met` when the latest value satisfies it; otherwise
 * the latest value is compared with a straight line from the baseline (value and year) to the target's threshold
 * in the target year: `on track` when it is at or beyond the line on the side the target lies, else `at risk`.
 * `no data` when there is no value at all.
 */

export type ProgressStatus = 'met' | 'on track' | 'at risk' | 'no data';

export const progressStatuses = ['met', 'on track', 'at risk', 'no data'] as const satisfies readonly ProgressStatus[];

export type Direction = 'higher_is_better' | 'lower_is_better';

/** One value of a series: a period code and the exact decimal text. */
export interface SeriesPoint {
  readonly period: string;
  readonly value: string;
}

export interface ProgressTarget extends TargetRule {
  /** The year the target is for (its value is due by the end of that year). */
  readonly year: number;
}

export interface ProgressInput {
  readonly target: ProgressTarget;
  readonly direction: Direction;
  readonly latest: SeriesPoint | null;
  /** A yearly value before the latest one; null when there is none. */
  readonly baseline: SeriesPoint | null;
  /** Places the reason's numbers are rounded to: the indicator's `decimals` (catalogue). */
  readonly decimals: number;
}

export interface Progress {
  readonly status: ProgressStatus;
  /** Where the straight line from the baseline to the target stands at the latest value's period; null when not drawn. */
  readonly expected: string | null;
  /**
   * The change the latest value still needs to reach the target's threshold (for a range, the nearer bound; 0
   * inside it): positive means it must rise, negative that it must fall. Null without a value.
   */
  readonly gap: string | null;
  /** Which way the value has to move: from the comparison (>, >= up; <, <=, top down), else the indicator's direction. */
  readonly aim: 'up' | 'down';
  /** What was compared, in words. */
  readonly reason: string;
}


/** The end of a period in months since year 0: 2024 ends at 2024 × 12 + 12, 2025-Q2 at 2025 × 12 + 6. */
export function periodEnd(p: Period): number {
  return p.year * 12 + Number(endsOn(p).slice(5, 7));
}

function aimOf(target: TargetRule, direction: Direction): 'up' | 'down' {
  switch (target.comparison) {
    case 'gt':
    case 'gte':
      return 'up';
    case 'lt':
    case 'lte':
    case 'top':
      return 'down';
    default:
      // eq, range: the comparison does not say which way is better; the indicator does.
      return direction === 'higher_is_better' ? 'up' : 'down';
  }
}

/** The value the line aims at: the target value, or for a range the bound met first when moving the aim's way. */
function thresholdOf(target: TargetRule, aim: 'up' | 'down'): Decimal {
  if (target.comparison === 'range') return aim === 'up' ? dec(target.value) : dec(target.valueMax ?? target.value);
  return dec(target.value);
}

function gapOf(target: TargetRule, latest: Decimal): Decimal {
  if (target.comparison === 'range') {
    const low = dec(target.value);
    const high = dec(target.valueMax ?? target.value);
    if (latest.lessThan(low)) return low.minus(latest);
    if (latest.greaterThan(high)) return high.minus(latest);
    return dec(0);
  }
  return dec(target.value).minus(latest);
}

/**
 * Where the line from (baseEnd, base) to (targetEnd, threshold) stands at latestEnd, as one fraction of its parts:
 * (base × (targetEnd − baseEnd) + (threshold − base) × (latestEnd − baseEnd)) / (targetEnd − baseEnd). One division,
 * so a third is cut once, at decimal.js' 40th digit, not carried through a rounded share.
 */
function lineAt(base: Decimal, threshold: Decimal, baseEnd: number, latestEnd: number, targetEnd: number): Decimal {
  if (latestEnd >= targetEnd || baseEnd >= targetEnd) return threshold;
  const span = targetEnd - baseEnd;
  return base.times(span).plus(threshold.minus(base).times(latestEnd - baseEnd)).dividedBy(span);
}

export function assessProgress(input: ProgressInput): Progress {
  const { target, direction, latest, baseline, decimals } = input;
  const shown = (v: string | Decimal) => displayDecimal(v, decimals);
  const aim = aimOf(target, direction);
  if (latest === null) return { status: 'no data', expected: null, gap: null, aim, reason: 'no value for this unit and indicator' };
  const value = dec(latest.value);
  const gap = jsonDecimal(gapOf(target, value));
  if (assessTarget(target, value) === 'met') return { status: 'met', expected: null, gap, aim, reason: `the value of ${latest.period} meets the target` };

  const threshold = thresholdOf(target, aim);
  const targetEnd = target.year * 12 + 12;
  const latestEnd = periodEnd(parsePeriod(latest.period));
  const baseEnd = baseline === null ? null : periodEnd(parsePeriod(baseline.period));
  if (baseline === null || baseEnd === null || baseEnd >= latestEnd) {
    return { status: 'at risk', expected: null, gap, aim, reason: `not met, and no yearly value before ${latest.period} to measure progress from` };
  }
  const expected = lineAt(dec(baseline.value), threshold, baseEnd, latestEnd, targetEnd);
  // Compared exactly; only what is shown is rounded.
  const ahead = aim === 'up' ? value.greaterThanOrEqualTo(expected) : value.lessThanOrEqualTo(expected);
  const line = `the line from ${shown(baseline.value)} in ${baseline.period} to ${shown(threshold)} in ${target.year}, which stands at ${shown(expected)} there`;
  return {
    status: ahead ? 'on track' : 'at risk',
    expected: jsonDecimal(expected),
    gap,
    aim,
    reason: `not met yet; ${shown(latest.value)} in ${latest.period} is ${ahead ? 'at or ahead of' : 'behind'} ${line}`,
  };
}

const kindRank = { year: 0, quarter: 1, month: 2 } as const;

/**
 * The value a target is compared with: preferring periods that have ended by `asOf` (a year under way would
 * compare part of a year with a whole one), then the latest year that has a value, else the latest quarter, else
 * the latest month (the rule of the demo's table, src/demo/latest-values.ts).
 */
export function latestOf(series: readonly SeriesPoint[], asOf: string): SeriesPoint | null {
  let best: { point: SeriesPoint; key: [number, number, string] } | null = null;
  for (const point of series) {
    const p = parsePeriod(point.period);
    const key: [number, number, string] = [endsOn(p) >= asOf ? 1 : 0, kindRank[p.kind], p.code];
    if (best === null || compareKeys(key, best.key) < 0) best = { point, key };
  }
  return best?.point ?? null;
}

/** Ended first, coarser first, later first (period codes of one kind sort by time). */
function compareKeys(a: [number, number, string], b: [number, number, string]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0;
}

/**
 * The baseline: the value of the latest year up to `baseYear` (the year before the target's document, 2024 for
 * Resolution 57 of December 2024); without one, the earliest year that has a value. Only a year that ended before
 * the latest value's period qualifies; null when none does.
 */
export function baselineOf(series: readonly SeriesPoint[], baseYear: number, latest: SeriesPoint | null): SeriesPoint | null {
  if (latest === null) return null;
  const latestEnd = periodEnd(parsePeriod(latest.period));
  const years = series
    .map((point) => ({ point, period: parsePeriod(point.period) }))
    .filter((x) => x.period.kind === 'year' && periodEnd(x.period) < latestEnd)
    .sort((a, b) => a.period.year - b.period.year);
  const upToBase = years.filter((x) => x.period.year <= baseYear);
  return (upToBase.at(-1) ?? years[0])?.point ?? null;
}
