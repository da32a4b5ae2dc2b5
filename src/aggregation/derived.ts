import { previousYear, type Period } from '../periods/period.js';
import { unitLabel, type ContributorNode } from './contributors.js';
import { ONE, sumOf } from './decimal.js';
import type { Evaluator } from './evaluator.js';
import type { IndicatorRules } from './indicator-rules.js';
import { missing, valued, type Computed, type PartValue } from './types.js';

/**
 * Design decision 5. A derived indicator is never averaged: each input is aggregated for the same unit and period
 * by its own rules, then
 *   ratio:  factor × Σ numerator inputs / Σ denominator inputs
 *   growth: factor × (input this year / input last year − 1), years only; last year is computed from the same
 *           contributors, so 2025 of the current An Giang compares with 2024 of legacy 89 + 91.
 * A missing input is no value (never 0) with a reason naming it; a zero denominator likewise. When the inputs do not
 * give a value but the derived indicator itself was reported for exactly this unit version and period, that
 * reported value is used and a note says so.
 */
export function computeDerived(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period): Computed {
  const d = rules.derivation;
  if (d === null) return missing(`${rules.code} is not a derived indicator`);
  const label = unitLabel(node.unit);
  const part = (role: PartValue['role'], indicator: string, p: Period, computed: Computed): Computed => {
    ev.part({ role, indicator, unitCode: node.unit.code, unitName: node.unit.name, period: p.code, value: computed.value });
    return computed;
  };

  if (d.kind === 'ratio') {
    const inputs = [
      ...d.numerator.map((code) => ({ code, role: 'numerator' as const })),
      ...d.denominator.map((code) => ({ code, role: 'denominator' as const })),
    ].map((i) => ({ ...i, computed: part(i.role, i.code, period, ev.value(i.code, node, period)) }));
    const absent = inputs.flatMap((i) => (i.computed.value === null ? [`${i.code} has no value (${i.computed.reason})`] : []));
    if (absent.length > 0) return reportedOr(ev, rules, node, period, `${rules.code} for ${label} in ${period.code} cannot be computed: ${absent.join('; ')}`);
    const sumOfRole = (role: 'numerator' | 'denominator') =>
      sumOf(inputs.flatMap((i) => (i.role === role && i.computed.value !== null ? [i.computed.value] : [])));
    const denominator = sumOfRole('denominator');
    if (denominator.isZero()) {
      return reportedOr(ev, rules, node, period, `${rules.code} for ${label} in ${period.code} cannot be computed: the denominator (${d.denominator.join(' + ')}) is zero`);
    }
    return valued(d.factor.times(sumOfRole('numerator')).dividedBy(denominator));
  }

  if (period.kind !== 'year') return missing(`${rules.code} is a growth rate over years only: ${period.code} is not a year`);
  const before = previousYear(period);
  const current = part('current', d.of, period, ev.value(d.of, node, period));
  const previous = part('previous', d.of, before, ev.value(d.of, node, before));
  if (current.value === null) return reportedOr(ev, rules, node, period, `${rules.code} for ${label} in ${period.code} cannot be computed: ${d.of} has no value (${current.reason})`);
  if (previous.value === null) {
    return reportedOr(ev, rules, node, period, `${rules.code} for ${label} in ${period.code} cannot be computed: ${d.of} has no value for the previous year (${previous.reason})`);
  }
  if (previous.value.isZero()) {
    return reportedOr(ev, rules, node, period, `${rules.code} for ${label} in ${period.code} cannot be computed: ${d.of} was zero in ${before.code}`);
  }
  return valued(d.factor.times(current.value.dividedBy(previous.value).minus(ONE)));
}

function reportedOr(ev: Evaluator, rules: IndicatorRules, node: ContributorNode, period: Period, reason: string): Computed {
  const reported = ev.observed(rules.code, node, period);
  if (reported === null) return missing(reason);
  ev.note(`${reason}; the value reported directly for ${rules.code} is used instead`);
  return valued(reported);
}
