import type { Logger } from '../logger.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import type { Db } from '../warehouse/database.js';
import { reconcileRuns } from './lost-runs.js';
import type { SyncQueue } from './sync-queue.js';

export interface ReconcileLoop {
  stop(): Promise<void>;
}

/**
 * Reconciles the runs with the queue now (awaited: a worker starts with lost runs requeued) and then every
 * `intervalMs`, one pass at a time. A failed pass (PostgreSQL or Redis away) is logged and the next one tries again.
 */
export async function startReconcileLoop(db: Db, queue: SyncQueue, logger: Logger, intervalMs: number, outages?: DependencyWatch): Promise<ReconcileLoop> {
  const reconcile = () => reconcileRuns(db, queue, logger).then(() => undefined, (error: unknown) => {
    // An outage is logged once by the watch, not at every pass.
    if (outages?.reportIfLost(error) === true) return;
    logger.warn({ err: (error as Error).message }, 'reconciling runs with the queue failed; trying again at the next pass');
  });
  await reconcile();
  let pass: Promise<void> | null = null;
  const timer = setInterval(() => {
    pass ??= reconcile().finally(() => { pass = null; });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await pass;
    },
  };
}
