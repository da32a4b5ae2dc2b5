import { aggregateUnit, loadIndicatorRules, type IndicatorCatalogue } from '../aggregation/index.js';
import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import { claimDirty, writeIndicatorValues, type ComputedValue, type DirtyKey } from '../warehouse/indicator-values.js';

export interface RefreshResult {
  readonly computed: number;
  readonly changed: number;
  readonly removed: number;
}

function groupByUnit(keys: readonly DirtyKey[]): Map<number, DirtyKey[]> {
  const out = new Map<number, DirtyKey[]>();
  for (const k of keys) {
    const list = out.get(k.unitId) ?? [];
    list.push(k);
    out.set(k.unitId, list);
  }
  return out;
}

/**
 * Recomputes the values marked dirty, in batches, each batch one transaction (claim, compute, write, clear).
 * Safe to run in parallel and to interrupt: unclaimed or uncommitted marks stay for the next refresh.
 */
export async function refreshIndicatorValues(db: Db, options: { runId: number | null; logger: Logger; batchSize?: number; catalogue?: IndicatorCatalogue }): Promise<RefreshResult> {
  const started = performance.now();
  const catalogue = options.catalogue ?? (await loadIndicatorRules(db));
  const total = { computed: 0, changed: 0, removed: 0 };
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const keys = await claimDirty(trx, options.batchSize ?? 2000);
      const values: ComputedValue[] = [];
      for (const [unitId, unitKeys] of groupByUnit(keys)) {
        const results = await aggregateUnit(trx, catalogue, unitId, unitKeys);
        results.forEach((r, i) => {
          const key = unitKeys[i];
          if (key) values.push({ ...key, value: r.value === null ? null : r.value.toFixed(), notes: r.notes });
        });
      }
      return { keys: keys.length, ...(await writeIndicatorValues(trx, options.runId, values)) };
    });
    if (batch.keys === 0) break;
    total.computed += batch.keys;
    total.changed += batch.changed;
    total.removed += batch.removed;
  }
  if (total.computed > 0) options.logger.info({ ...total, ms: Math.round(performance.now() - started) }, 'indicator values refreshed');
  return total;
}
