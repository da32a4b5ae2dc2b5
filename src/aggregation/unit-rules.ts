import type { Period } from '../periods/period.js';
import { unitLabel, type ContributorNode } from './contributors.js';
import { meanOf, sumOf, weightedMeanOf, type Decimal } from './decimal.js';
import type { Evaluator } from './evaluator.js';
import type { IndicatorRules } from './indicator-rules.js';
import { listNames } from './notes.js';
import { missing, noData, valued, type Computed } from './types.js';

interface ContributorValue {
  readonly node: ContributorNode;
  readonly value: Decimal;
}

/**
 * Combines the units of `node`'s subtree at exactly `period` by the indicator's unit rule (design decision 3).
 *
 * - sum: additive, as in DHIS2: the unit's own value (a province-level agency's dossiers) plus every contributor's
 *   (commune-level agencies' dossiers, legacy units before the reform).
 * - mean, weighted_mean, last, none: the unit's own value wins; otherwise its direct contributors' values (each
 *   computed the same way, recursively) are combined.
 */
export function combineAcrossUnits(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period): Computed {
  const own = ev.observed(rules.code, node, period);
  if (rules.unitRule !== 'sum' && own !== null) return valued(own);

  const results = node.contributors.map((c) => ({ node: c, computed: ev.acrossUnits(rules.code, c, period) }));
  const withValue: ContributorValue[] = [];
  for (const r of results) if (r.computed.value !== null) withValue.push({ node: r.node, value: r.computed.value });

  if (own === null && withValue.length === 0) return noData(noValueReason(rules.code, node, period));
  const label = unitLabel(node.unit);

  switch (rules.unitRule) {
    case 'sum':
      noteCoverage(ev, `sum of ${rules.code} for ${label}`, node, withValue, period);
      return valued(sumOf([...(own !== null ? [own] : []), ...withValue.map((w) => w.value)]));
    case 'mean':
      noteCoverage(ev, `mean of ${rules.code} for ${label}`, node, withValue, period);
      return valued(meanOf(withValue.map((w) => w.value)));
    case 'weighted_mean':
      noteCoverage(ev, `weighted mean of ${rules.code} for ${label}`, node, withValue, period);
      return weightedAcrossUnits(ev, rules, node, withValue, period);
    case 'last':
      return lastAcrossUnits(rules, node, withValue, period);
    case 'none':
      return noRollup(ev, rules, node, withValue, period);
    case 'ratio':
      return missing(`${rules.code} has the unit rule "ratio" but no derivation to recompute it from`);
  }
}

function noValueReason(code: string, node: ContributorNode, period: Period): string {
  const n = node.contributors.length;
  const who = n === 0 ? unitLabel(node.unit) : `${unitLabel(node.unit)} or its ${n} contributing unit${n === 1 ? '' : 's'}`;
  return `no ${code} value for ${who} in ${period.code}`;
}

/** Partial coverage among one kind of contributor (communes, predecessors) is said, never silent. */
function noteCoverage(ev: Evaluator, what: string, node: ContributorNode, withValue: readonly ContributorValue[], period: Period): void {
  const groups = new Map<string, ContributorNode[]>();
  for (const c of node.contributors) {
    const kind = c.edge === 'predecessor' ? 'predecessors' : `${c.unit.level}s`;
    const list = groups.get(kind) ?? [];
    list.push(c);
    groups.set(kind, list);
  }
  const has = new Set(withValue.map((w) => w.node.unit.id));
  for (const [kind, members] of groups) {
    const absent = members.filter((m) => !has.has(m.unit.id));
    const k = members.length - absent.length;
    if (k === 0 || absent.length === 0) continue;
    ev.coverage(what, kind, members.length, period.code, absent.map((a) => unitLabel(a.unit)));
  }
}

/** Weighted by the weight indicator of each contributor for the same period; unweighted (and said) if any weight is unknown. */
function weightedAcrossUnits(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, withValue: readonly ContributorValue[], period: Period): Computed {
  const [single] = withValue;
  if (withValue.length === 1 && single) return valued(single.value);
  const label = unitLabel(node.unit);
  const values = withValue.map((w) => w.value);
  if (rules.weight === null) {
    ev.note(`unweighted mean of ${rules.code} for ${label}: the indicator has no weight indicator`, period.code);
    return valued(meanOf(values));
  }
  const weightCode = rules.weight;
  const weighted = withValue.map((w) => {
    const weight = ev.value(weightCode, w.node, period);
    ev.part({ role: 'weight', indicator: weightCode, unitCode: w.node.unit.code, unitName: w.node.unit.name, period: period.code, value: weight.value });
    return { node: w.node, value: w.value, weight: weight.value };
  });
  const unknown = weighted.filter((w) => w.weight === null).map((w) => unitLabel(w.node.unit));
  if (unknown.length > 0) {
    ev.note(`unweighted mean of ${rules.code} for ${label}: ${weightCode} unknown for ${listNames(unknown)}`, period.code);
    return valued(meanOf(values));
  }
  const pairs = weighted.flatMap((w) => (w.weight === null ? [] : [{ value: w.value, weight: w.weight }]));
  if (sumOf(pairs.map((p) => p.weight)).isZero()) {
    ev.note(`unweighted mean of ${rules.code} for ${label}: the ${weightCode} weights add up to zero`, period.code);
    return valued(meanOf(values));
  }
  ev.note(`${rules.code} for ${label}: mean of ${withValue.length} units weighted by ${weightCode}`, period.code);
  return valued(weightedMeanOf(pairs));
}

/**
 * `last` across units (not used by the catalogue; defined here): the value of the contributor whose version is
 * valid latest (open end first, then latest start). Several equally recent contributors: no value.
 */
function lastAcrossUnits(rules: IndicatorRules, node: ContributorNode, withValue: readonly ContributorValue[], period: Period): Computed {
  const recency = (n: ContributorNode): string => `${n.unit.validTo ?? '9999-12-31'}|${n.unit.validFrom ?? '0000-01-01'}`;
  const sorted = [...withValue].sort((a, b) => recency(b.node).localeCompare(recency(a.node)));
  const [first, second] = sorted;
  if (!first) return noData(noValueReason(rules.code, node, period));
  if (second && recency(second.node) === recency(first.node)) {
    const names = sorted.filter((s) => recency(s.node) === recency(first.node)).map((s) => unitLabel(s.node.unit));
    return missing(`${rules.code} takes the latest unit's value (rule "last"), but ${listNames(names)} are equally recent contributors of ${unitLabel(node.unit)} in ${period.code}`);
  }
  return valued(first.value);
}

/**
 * `none`: values do not roll up across units. A unit with exactly one predecessor carries that predecessor's value
 * over unchanged (legacy Nghệ An 40 -> current 40: same territory). Children's values (communes) never stand for the
 * unit, and several predecessors (89 + 91 -> 91) cannot be combined: no value, and the reason says why.
 */
function noRollup(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, withValue: readonly ContributorValue[], period: Period): Computed {
  const label = unitLabel(node.unit);
  const predecessors = node.contributors.filter((c) => c.edge === 'predecessor');
  const valuedChildren = withValue.filter((w) => w.node.edge !== 'predecessor');
  const valuedPredecessors = withValue.filter((w) => w.node.edge === 'predecessor');
  const [only] = valuedPredecessors;
  if (valuedChildren.length === 0 && predecessors.length === 1 && only) {
    ev.note(`${rules.code} for ${label}: value of its single predecessor ${unitLabel(only.node.unit)} carried over unchanged`, period.code);
    return valued(only.value);
  }
  const reasons: string[] = [];
  if (predecessors.length > 1) {
    const names = predecessors.map((p) => `${unitLabel(p.unit)}${withValue.some((w) => w.node === p) ? '' : ' (no value)'}`);
    reasons.push(`${label} has ${predecessors.length} predecessors (${listNames(names)})`);
  }
  if (valuedChildren.length > 0) {
    reasons.push(`only its contributing units ${listNames(valuedChildren.map((w) => unitLabel(w.node.unit)))} have a value`);
  }
  return missing(`${rules.code} does not roll up across units (rule "none"): ${reasons.join('; ')}; no value reported for ${label} itself in ${period.code}`);
}
