import { childrenOf, type Period } from '../periods/period.js';
import { subtreeOf, unitLabel, type ContributorNode } from './contributors.js';
import { meanOf, sumOf, weightedMeanOf, type Decimal } from './decimal.js';
import type { Evaluator, TimeResult } from './evaluator.js';
import type { IndicatorRules } from './indicator-rules.js';
import { listNames } from './notes.js';
import { childKindLabel, compactMonths, monthsOf, withDescendants } from './period-tree.js';
import { missing, noData, valued, type Computed } from './types.js';

interface PeriodValue {
  readonly period: Period;
  readonly value: Decimal;
  readonly covered: readonly Period[];
}

/**
 * Design decisions 2 and 4: a period's value is the one reported for exactly that period (after combining units)
 * when any unit reported it; otherwise it is built from its sub-periods (year <- quarters <- months), recursively,
 * by the indicator's period rule: sum, mean, weighted_mean (by the weight indicator of each sub-period), last (the
 * latest sub-period that has a value) or none (no value from sub-periods).
 */
export function combineOverTime(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period): TimeResult {
  const direct = ev.acrossUnits(rules.code, node, period);
  if (direct.value !== null) {
    noteUnusedFinerValues(ev, rules.code, node, period);
    return { computed: direct, covered: [period] };
  }
  const children = childrenOf(period);
  if (children.length === 0) return { computed: direct, covered: [] };
  const label = unitLabel(node.unit);

  if (rules.periodRule === 'none' || rules.periodRule === 'ratio') {
    // Nothing reported below either: the plain "no value" reason of the exact period says it all.
    if (unitsWithFinerValues(ev, rules.code, node, period).length === 0) return { computed: direct, covered: [] };
    const why =
      rules.periodRule === 'none'
        ? `${rules.code} is not combined across periods (rule "none")`
        : `${rules.code} has the period rule "ratio" but no derivation to recompute it from`;
    // A rule already refused a value at the exact period (e.g. units that do not roll up): keep that reason first.
    if (!direct.noData) return { computed: missing(`${direct.reason}; and ${why}, so values of its sub-periods are not used`), covered: [] };
    return { computed: missing(`${why}: no value for ${label} for exactly ${period.code} (values exist for some of its sub-periods)`), covered: [] };
  }

  // `last` looks at sub-periods from the latest back and stops at the first with a value: earlier ones are not used.
  const order = rules.periodRule === 'last' ? [...children].reverse() : children;
  const withValue: PeriodValue[] = [];
  for (const child of order) {
    const r = ev.overTime(rules.code, node, child);
    if (r.computed.value === null) continue;
    withValue.push({ period: child, value: r.computed.value, covered: r.covered });
    if (rules.periodRule === 'last') break;
  }
  if (withValue.length === 0) {
    if (!direct.noData) return { computed: direct, covered: [] };
    const finer = period.kind === 'year' ? 'quarters or months' : 'months';
    return { computed: noData(`no ${rules.code} value for ${label} or its contributing units in ${period.code} or any of its ${finer}`), covered: [] };
  }
  const covered = withValue.flatMap((w) => w.covered);
  const values = withValue.map((w) => w.value);

  switch (rules.periodRule) {
    case 'sum':
      return { computed: valued(sumOf(values)), covered };
    case 'mean':
      return { computed: valued(meanOf(values)), covered };
    case 'weighted_mean':
      return { computed: weightedOverTime(ev, rules, node, period, withValue), covered };
    case 'last': {
      const [latest] = withValue;
      if (!latest) return { computed: missing(`no ${rules.code} value in ${period.code}`), covered: [] };
      return { computed: valued(latest.value), covered: latest.covered };
    }
  }
}

function weightedOverTime(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period, withValue: readonly PeriodValue[]): Computed {
  const label = unitLabel(node.unit);
  const values = withValue.map((w) => w.value);
  const [single] = withValue;
  if (withValue.length === 1 && single) return valued(single.value);
  const weightCode = rules.weight;
  if (weightCode === null) {
    ev.note(`unweighted mean of ${rules.code} for ${label} over the ${childKindLabel(period)} of ${period.code}: the indicator has no weight indicator`);
    return valued(meanOf(values));
  }
  const weighted = withValue.map((w) => {
    const weight = ev.value(weightCode, node, w.period);
    ev.part({ role: 'weight', indicator: weightCode, unitCode: node.unit.code, unitName: node.unit.name, period: w.period.code, value: weight.value });
    return { period: w.period, value: w.value, weight: weight.value };
  });
  const unknown = weighted.filter((w) => w.weight === null).map((w) => w.period.code);
  const pairs = weighted.flatMap((w) => (w.weight === null ? [] : [{ value: w.value, weight: w.weight }]));
  if (unknown.length > 0 || sumOf(pairs.map((p) => p.weight)).isZero()) {
    const why = unknown.length > 0 ? `${weightCode} unknown for ${listNames(unknown)}` : `the ${weightCode} weights add up to zero`;
    ev.note(`unweighted mean of ${rules.code} for ${label} over the ${childKindLabel(period)} of ${period.code}: ${why}`);
    return valued(meanOf(values));
  }
  ev.note(`${rules.code} for ${label} in ${period.code}: mean of ${withValue.length} ${childKindLabel(period)} weighted by ${weightCode}`);
  return valued(weightedMeanOf(pairs));
}

/** Units of the subtree that reported `code` for some sub-period of `period` but not for `period` itself. */
function unitsWithFinerValues(ev: Evaluator, code: string, node: ContributorNode, period: Period): ContributorNode[] {
  if (period.kind === 'month') return [];
  const below = new Set(withDescendants(period).slice(1).map((p) => p.code));
  return subtreeOf(node).filter((n) => {
    const periods = ev.observations.periodsOf(code, n.unit.id);
    return !periods.has(period.code) && [...periods.keys()].some((p) => below.has(p));
  });
}

/** A value reported for the whole period wins over sub-periods; units that reported only sub-periods are named. */
function noteUnusedFinerValues(ev: Evaluator, code: string, node: ContributorNode, period: Period): void {
  const units = unitsWithFinerValues(ev, code, node, period);
  if (units.length === 0) return;
  ev.note(
    `${code} for ${unitLabel(node.unit)}: the value reported for ${period.code} is used as is; ` +
      `${listNames(units.map((u) => unitLabel(u.unit)))} reported only for sub-periods of ${period.code}, not included`,
  );
}

/** Partial coverage in time, said once per computed value: "9 of 12 months" or which sub-period `last` took. */
export function noteTimeCoverage(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period, result: TimeResult): void {
  if (result.computed.value === null || period.kind === 'month') return;
  const label = unitLabel(node.unit);
  const all = monthsOf(period);
  if (rules.periodRule === 'last') {
    const [used] = result.covered;
    if (used && used.code !== period.code && monthsOf(used).at(-1) !== all.at(-1)) {
      ev.note(`${rules.code} for ${label} in ${period.code}: last value available is for ${used.code}`);
    }
    return;
  }
  const have = new Set(result.covered.flatMap(monthsOf));
  if (have.size >= all.length) return;
  const absent = all.filter((m) => !have.has(m));
  ev.note(`${rules.code} for ${label} in ${period.code}: ${have.size} of ${all.length} months ${have.size === 1 ? 'has' : 'have'} a value (missing ${compactMonths(absent)})`);
}
