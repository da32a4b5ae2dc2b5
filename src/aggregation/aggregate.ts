import { sql } from 'kysely';
import { requireIsoDate } from '../dates.js';
import { UnitResolutionError } from '../errors.js';
import { endsOn, parsePeriod } from '../periods/period.js';
import type { Db } from '../warehouse/database.js';
import { loadContributors, unitLabel, type ContributorTree } from './contributors.js';
import { Evaluation, EvaluationMemo } from './engine.js';
import { loadIndicatorRules, requiredIndicators, rulesOf, type IndicatorCatalogue } from './indicator-rules.js';
import { loadObservations } from './observations.js';
import { requiredPeriods } from './period-tree.js';
import type { AggregateByCodeQuery, AggregateQuery, AggregateResult } from './types.js';

/**
 * The value of an indicator for one unit version and period, combined from everything stored for the unit and
 * its contributors (see contributors.ts, unit-rules.ts, period-rules.ts, derived.ts).
 *
 * Three queries whatever the period: the catalogue, the contributor tree (one recursive CTE), and the observations
 * of every indicator the computation can read (inputs, weights) for every unit of the tree and every period
 * involved. Everything else happens in memory with exact decimals.
 */
export async function aggregate(db: Db, query: AggregateQuery): Promise<AggregateResult> {
  const tree = await loadContributors(db, query.unitId);
  const [result] = await aggregateInTree(db, await loadIndicatorRules(db), tree, [query]);
  if (!result) throw new Error('aggregateInTree returned no result for one query');
  return result;
}

/**
 * Like `aggregate`, naming the unit by code. Codes are reused (91 is Kiên Giang until 2025-06-30, the merged
 * An Giang after), so the version is the one valid on the period's last day, or on `asOf` when given: a
 * comparable series for the current An Giang asks for 2024 with asOf 2025-07-01 and gets legacy 89 + 91 rolled up.
 */
export async function aggregateByCode(db: Db, query: AggregateByCodeQuery): Promise<AggregateResult> {
  const period = parsePeriod(query.period);
  const date = query.asOf ?? endsOn(period);
  const unitId = await resolveUnitVersion(db, query.unitCode, date, query.level);
  return aggregate(db, { indicator: query.indicator, unitId, period: period.code });
}

/** The id of the version of `code` valid on `date`; throws UnitResolutionError when none or several match. */
export async function resolveUnitVersion(db: Db, code: string, date: string, level?: AggregateByCodeQuery['level']): Promise<number> {
  requireIsoDate(date);
  let q = db
    .selectFrom('admin_unit')
    .select(['id', 'level', 'name'])
    .where('code', '=', code)
    .where(sql<boolean>`validity @> ${date}::date`);
  if (level !== undefined) q = q.where('level', '=', level);
  const rows = await q.orderBy('level').execute();
  const [only, second] = rows;
  const what = level ?? 'administrative unit';
  if (!only) throw new UnitResolutionError('UNIT_NOT_FOUND', `No ${what} with code ${code} is valid on ${date}. Check the code, or pass asOf to pick another version.`);
  if (second) {
    const found = rows.map((r) => `${r.level} ${r.name}`).join(', ');
    throw new UnitResolutionError('UNIT_AMBIGUOUS', `Code ${code} names several units on ${date} (${found}): pass the level.`);
  }
  return only.id;
}

/** One value to compute: an indicator for one unit version (admin_unit.id) and period. */
export interface UnitQuery {
  readonly indicator: string;
  readonly unitId: number;
  readonly period: string;
}

/**
 * Values of units anywhere in one contributor tree, from one load of its observations and one shared memo: a
 * province and the legacy provinces that merged into it are computed together, each legacy subtree once. What the
 * pipeline uses to refresh materialised values in batches (with `explain` false: values and notes only, no trace
 * or parts, which a batch does not store and would pay dearly for).
 */
export async function aggregateInTree(
  db: Db,
  catalogue: IndicatorCatalogue,
  tree: ContributorTree,
  queries: readonly UnitQuery[],
  options: { explain?: boolean } = {},
): Promise<AggregateResult[]> {
  const indicators = new Set<string>();
  const periods = new Set<string>();
  const parsed = queries.map((q) => {
    const node = tree.nodes.get(q.unitId);
    if (!node) throw new Error(`unit ${q.unitId} is not in the contributor tree of ${unitLabel(tree.root.unit)}`);
    return { node, rules: rulesOf(catalogue, q.indicator), period: parsePeriod(q.period) };
  });
  for (const { rules, period } of parsed) {
    for (const i of requiredIndicators(catalogue, rules.code)) indicators.add(i);
    for (const p of requiredPeriods(catalogue, rules.code, period)) periods.add(p);
  }
  const observations = await loadObservations(db, [...indicators], tree.unitIds, [...periods]);
  const memo = new EvaluationMemo(options.explain ?? true);
  return parsed.map(({ node, rules, period }) => {
    const evaluation = new Evaluation(catalogue, tree, observations, memo);
    const computed = evaluation.value(rules.code, node, period);
    if (node === tree.root) evaluation.noteLeftOut(requiredIndicators(catalogue, rules.code));
    const base = { indicator: rules.code, unit: node.unit, period: period.code, notes: evaluation.notesList(), inputs: evaluation.trace(), parts: evaluation.parts() };
    return 'reason' in computed ? { ...base, value: null, reason: computed.reason } : { ...base, value: computed.value };
  });
}
