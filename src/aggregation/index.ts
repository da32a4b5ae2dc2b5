/**
 * Aggregation of indicator values over administrative units and periods (../shared/domain/indicators.md).
 *
 *   aggregate(db, { indicator, unitId, period })            one unit version (admin_unit.id)
 *   aggregateByCode(db, { indicator, unitCode, level?, period, asOf? })
 *                                                           the version valid at the period's end, or on asOf
 *
 * How (one file per concept):
 *   contributors.ts  who contributes to a unit: itself, children, undivided predecessors, recursively (a tree)
 *   unit-rules.ts    combining units at one exact period (sum additive; mean, weighted_mean, last, none: own value wins)
 *   period-rules.ts  combining periods (reported value for the exact period wins; else sub-periods by the rule)
 *   derived.ts       ratio and growth recomputed from aggregated inputs, never averaged
 *   engine.ts        the in-memory evaluation (memoised) with notes, trace and parts
 *   decimal.ts       exact arithmetic (decimal.js, 40 digits) and the display formatter
 */
export { aggregate, aggregateByCode, aggregateInTree, resolveUnitVersion, type UnitQuery } from './aggregate.js';
export { loadIndicatorRules, type IndicatorCatalogue, type IndicatorRules } from './indicator-rules.js';
export { loadContributors, unitLabel, type ContributorNode, type ContributorTree } from './contributors.js';
export { Dec, dec, formatValue, type Decimal } from './decimal.js';
export type { AggregateByCodeQuery, AggregateQuery, AggregateResult, PartValue, TraceEntry, UnitRef } from './types.js';
