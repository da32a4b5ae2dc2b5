import type { IndicatorCatalogue } from '../aggregation/index.js';
import { parentOf, parsePeriod, withAncestors } from '../periods/period.js';
import type { ObservationKey } from '../warehouse/contributions.js';
import type { DirtyKey } from '../warehouse/indicator-values.js';
import type { UnitGraph } from './unit-graph.js';

/** Which indicators a change of each indicator can change: itself, what is derived from it or weighted by it. */
export interface IndicatorDependencies {
  readonly sameYear: ReadonlyMap<string, readonly string[]>;
  /** Growth reads the previous year: a change in year Y changes growth in Y + 1 too. */
  readonly nextYear: ReadonlyMap<string, readonly string[]>;
}

export function indicatorDependencies(catalogue: IndicatorCatalogue): IndicatorDependencies {
  const direct = new Map<string, Set<string>>();
  const nextYear = new Map<string, string[]>();
  const link = (from: string, to: string) => direct.set(from, (direct.get(from) ?? new Set<string>()).add(to));
  for (const r of catalogue.values()) {
    if (r.weight !== null) link(r.weight, r.code);
    if (r.derivation?.kind === 'ratio') for (const input of [...r.derivation.numerator, ...r.derivation.denominator]) link(input, r.code);
    if (r.derivation?.kind === 'growth') {
      link(r.derivation.of, r.code);
      nextYear.set(r.derivation.of, [...(nextYear.get(r.derivation.of) ?? []), r.code]);
    }
  }
  const sameYear = new Map<string, string[]>();
  for (const code of catalogue.keys()) {
    const seen = new Set<string>([code]);
    const stack = [code];
    for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
      for (const d of direct.get(c) ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        stack.push(d);
      }
    }
    sameYear.set(code, [...seen]);
  }
  return { sameYear, nextYear };
}

/**
 * The materialised values that may follow from changed observations: the same and dependent indicators, for
 * every province the unit is or rolls up into, for the period and every period containing it.
 *
 * Values are materialised at province level, what the province reports and dashboards read. A commune's
 * figures are its observations; its rollups over time and derived ratios are cheap on demand (`aggregate`),
 * while materialising them would multiply the work of a large sync.
 */
export function dependentKeys(keys: readonly ObservationKey[], units: UnitGraph, deps: IndicatorDependencies): DirtyKey[] {
  const out = new Map<string, DirtyKey>();
  const add = (indicator: string, unitId: number, period: string) => out.set(`${indicator}|${unitId}|${period}`, { indicator, unitId, period });
  const seen = new Set<string>();
  for (const k of keys) {
    const id = `${k.indicator}|${k.unitId}|${k.period}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const provinces = units.provincesOf(k.unitId);
    if (provinces.length === 0) continue;
    const periods = withAncestors(parsePeriod(k.period));
    const year = periods[periods.length - 1];
    for (const p of provinces) {
      for (const indicator of deps.sameYear.get(k.indicator) ?? [k.indicator]) for (const period of periods) add(indicator, p, period.code);
      if (year && parentOf(year) === null) for (const indicator of deps.nextYear.get(k.indicator) ?? []) add(indicator, p, String(year.year + 1));
    }
  }
  return [...out.values()];
}
