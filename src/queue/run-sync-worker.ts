import { installedConnectors } from '../connector-sdk/installed.js';
import { refreshIndicatorValues } from '../pipeline/refresh-values.js';
import type { ProcessContext } from '../process/main.js';
import { startReconcileLoop } from './reconcile-loop.js';
import { createSyncQueue } from './sync-queue.js';
import { createSyncWorker } from './sync-worker.js';

/** The sync worker as a process runs it: takes sync jobs from the queue and runs them through the pipeline. */
export async function startSyncWorkerRole({ config, logger, db, outages }: ProcessContext): Promise<{ stop: () => Promise<void> }> {
  const connectors = await installedConnectors(config.connectorModules);
  // Values marked by a run that died before refreshing them are refreshed now (marks are durable).
  const leftover = await refreshIndicatorValues(db, { runId: null, logger });
  if (leftover.computed > 0) logger.info(leftover, 'refreshed indicator values left marked by an interrupted run');
  // PostgreSQL is the truth about runs: those whose job Redis lost are queued again, now and periodically.
  const queue = createSyncQueue(config.queue);
  queue.on('error', (error) => { void outages.report(error); });
  const reconciler = await startReconcileLoop(db, queue, logger, config.worker.reconcileIntervalMs, outages);
  const worker = createSyncWorker({ db, logger, connectors, boundary: config.boundary }, { queue: config.queue, ...config.worker, outages });
  logger.info({ connectors: connectors.ids(), concurrency: config.worker.concurrency, workerId: worker.workerId }, 'sync worker ready');
  return {
    stop: async () => {
      await reconciler.stop();
      await worker.shutdown();
      await queue.close();
    },
  };
}
