import { aggregateInTree, loadContributors, loadIndicatorRules, type ContributorTree, type IndicatorCatalogue } from '../aggregation/index.js';
import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import { claimDirty, clearMarks, dirtyUnits, writeIndicatorValues, type ComputedValue } from '../warehouse/indicator-values.js';
import { UnitGraph } from './unit-graph.js';

export interface RefreshResult {
  readonly computed: number;
  readonly changed: number;
  readonly removed: number;
}

export interface RefreshOptions {
  readonly runId: number | null;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly catalogue?: IndicatorCatalogue;
  readonly graph?: UnitGraph;
  /** Contributor trees by root unit, kept across the refreshes of one run (reference data does not change in a run). */
  readonly trees?: Map<number, ContributorTree>;
}

/**
 * Recomputes the values marked dirty. Units are taken by reporting province: a current province with the legacy
 * provinces that merged into it, computed in its contributor tree from one load of observations, each legacy
 * subtree once. Each batch is one transaction (claim, compute, write, clear). Safe to run in parallel (keys
 * another refresh holds are skipped) and to interrupt (unclaimed or uncommitted marks stay for the next refresh).
 */
export async function refreshIndicatorValues(db: Db, options: RefreshOptions): Promise<RefreshResult> {
  const started = performance.now();
  const catalogue = options.catalogue ?? (await loadIndicatorRules(db));
  const graph = options.graph ?? (await UnitGraph.load(db));
  const trees = options.trees ?? new Map<number, ContributorTree>();
  const treeOf = async (unitId: number) => {
    let tree = trees.get(unitId);
    if (!tree) trees.set(unitId, (tree = await loadContributors(db, unitId)));
    return tree;
  };
  const total = { computed: 0, changed: 0, removed: 0 };
  for (;;) {
    // Which tree computes each dirty unit: its reporting province's, when that tree holds it, else its own.
    const groups = new Map<number, number[]>();
    for (const unitId of await dirtyUnits(db)) {
      const reporting = graph.reportingProvinceOf(unitId);
      const root = (await treeOf(reporting)).nodes.has(unitId) ? reporting : unitId;
      groups.set(root, [...(groups.get(root) ?? []), unitId]);
    }
    let claimed = 0;
    for (const [root, unitIds] of groups) {
      const tree = await treeOf(root);
      const batch = await db.transaction().execute(async (trx) => {
        const { markIds, keys } = await claimDirty(trx, unitIds, options.batchSize ?? 5000);
        const results = await aggregateInTree(trx, catalogue, tree, keys, { explain: false });
        const values = keys.map((key, i): ComputedValue => {
          const r = results[i];
          if (!r) throw new Error('aggregateInTree returned fewer results than queries');
          return { ...key, value: r.value === null ? null : r.value.toFixed(), notes: r.notes };
        });
        const written = await writeIndicatorValues(trx, options.runId, values);
        await clearMarks(trx, markIds);
        return { keys: keys.length, ...written };
      });
      claimed += batch.keys;
      total.computed += batch.keys;
      total.changed += batch.changed;
      total.removed += batch.removed;
    }
    // Nothing claimable: done, or what is left is held by another refresh, which will finish it.
    if (claimed === 0) break;
  }
  if (total.computed > 0) options.logger.info({ ...total, ms: Math.round(performance.now() - started) }, 'indicator values refreshed');
  return total;
}
