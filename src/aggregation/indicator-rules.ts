import { NotFoundError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import type { AggregationRule } from '../warehouse/schema.js';
import { dec, type Decimal } from './decimal.js';

/** What aggregation needs to know about an indicator (the `indicator` row, typed). */
export interface IndicatorRules {
  readonly code: string;
  readonly unitRule: AggregationRule;
  readonly periodRule: AggregationRule;
  readonly weight: string | null;
  readonly derivation:
    | { readonly kind: 'ratio'; readonly numerator: readonly string[]; readonly denominator: readonly string[]; readonly factor: Decimal }
    | { readonly kind: 'growth'; readonly of: string; readonly factor: Decimal }
    | null;
}

export type IndicatorCatalogue = ReadonlyMap<string, IndicatorRules>;

/** The whole catalogue in one query: it is a few dozen rows, and inputs and weights refer to each other. */
export async function loadIndicatorRules(db: Db): Promise<IndicatorCatalogue> {
  const rows = await db
    .selectFrom('indicator')
    .select(['code', 'unit_aggregation', 'period_aggregation', 'weight_indicator', 'derivation', 'numerator', 'denominator', 'factor'])
    .execute();
  const out = new Map<string, IndicatorRules>();
  for (const r of rows) {
    const factor = dec(r.factor ?? '1');
    let derivation: IndicatorRules['derivation'] = null;
    if (r.derivation === 'ratio') derivation = { kind: 'ratio', numerator: r.numerator ?? [], denominator: r.denominator ?? [], factor };
    else if (r.derivation === 'growth') {
      const of = r.numerator?.[0];
      if (of !== undefined) derivation = { kind: 'growth', of, factor };
    }
    out.set(r.code, { code: r.code, unitRule: r.unit_aggregation, periodRule: r.period_aggregation, weight: r.weight_indicator, derivation });
  }
  return out;
}

export function rulesOf(catalogue: IndicatorCatalogue, code: string): IndicatorRules {
  const rules = catalogue.get(code);
  if (!rules) throw new NotFoundError('Indicator', code, 'Load the catalogue with `lgsp reference load` or check the code in config/indicators.yaml.');
  return rules;
}

/** Indicators whose observations a computation of `code` can read: itself, its inputs and weights, transitively. */
export function requiredIndicators(catalogue: IndicatorCatalogue, code: string): string[] {
  const seen = new Set<string>();
  const visit = (c: string): void => {
    if (seen.has(c)) return;
    seen.add(c);
    const rules = rulesOf(catalogue, c);
    if (rules.weight !== null) visit(rules.weight);
    const d = rules.derivation;
    if (d?.kind === 'ratio') [...d.numerator, ...d.denominator].forEach(visit);
    else if (d?.kind === 'growth') visit(d.of);
  };
  visit(code);
  return [...seen].sort();
}
