import { childrenOf, previousYear, type Period } from '../periods/period.js';
import { rulesOf, type IndicatorCatalogue } from './indicator-rules.js';

/** `p` and every period below it (a year: itself, 4 quarters, 12 months). */
export function withDescendants(p: Period): Period[] {
  return [p, ...childrenOf(p).flatMap(withDescendants)];
}

/** The months a period spans, as codes. */
export function monthsOf(p: Period): string[] {
  return p.kind === 'month' ? [p.code] : childrenOf(p).flatMap(monthsOf);
}

export function childKindLabel(p: Period): string {
  return p.kind === 'year' ? 'quarters' : 'months';
}

/**
 * The period codes whose observations computing `code` for `period` can read: the period and its sub-periods,
 * for growth also the year before (and its sub-periods), following inputs and weights.
 */
export function requiredPeriods(catalogue: IndicatorCatalogue, code: string, period: Period): string[] {
  const roots = new Map<string, Period>();
  const seen = new Set<string>();
  const visit = (c: string, p: Period): void => {
    const key = `${c}|${p.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    roots.set(p.code, p);
    const rules = rulesOf(catalogue, c);
    if (rules.weight !== null) visit(rules.weight, p);
    const d = rules.derivation;
    if (d?.kind === 'ratio') for (const input of [...d.numerator, ...d.denominator]) visit(input, p);
    else if (d?.kind === 'growth' && p.kind === 'year') {
      visit(d.of, p);
      visit(d.of, previousYear(p));
    }
  };
  visit(code, period);
  const codes = new Set<string>();
  for (const p of roots.values()) for (const q of withDescendants(p)) codes.add(q.code);
  return [...codes].sort();
}

/** "2025-01, 2025-02, 2025-03, 2025-05" -> "2025-01 – 2025-03, 2025-05" (months only, sorted input). */
export function compactMonths(months: readonly string[]): string {
  const ranges: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  const index = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  const flush = (): void => {
    if (start === undefined || prev === undefined) return;
    ranges.push(start === prev ? start : `${start} – ${prev}`);
  };
  for (const m of months) {
    if (prev !== undefined && index(m) === index(prev) + 1) {
      prev = m;
      continue;
    }
    flush();
    start = m;
    prev = m;
  }
  flush();
  return ranges.join(', ');
}
