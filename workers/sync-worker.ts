// The sync worker: takes sync jobs from the queue and runs them through the pipeline. Run several for scale.
import { installedConnectors } from '../src/connector-sdk/installed.js';
import { refreshIndicatorValues } from '../src/pipeline/refresh-values.js';
import { runProcess } from '../src/process/main.js';
import { startReconcileLoop } from '../src/queue/reconcile-loop.js';
import { createSyncQueue } from '../src/queue/sync-queue.js';
import { createSyncWorker } from '../src/queue/sync-worker.js';

await runProcess('sync-worker', async ({ config, logger, db }) => {
  const connectors = await installedConnectors(config.connectorModules);
  // Values marked by a run that died before refreshing them are refreshed now (marks are durable).
  const leftover = await refreshIndicatorValues(db, { runId: null, logger });
  if (leftover.computed > 0) logger.info(leftover, 'refreshed indicator values left marked by an interrupted run');
  // PostgreSQL is the truth about runs: those whose job Redis lost are queued again, now and periodically.
  const queue = createSyncQueue(config.queue);
  const reconciler = await startReconcileLoop(db, queue, logger, config.worker.reconcileIntervalMs);
  const worker = createSyncWorker({ db, logger, connectors, boundary: config.boundary }, { queue: config.queue, ...config.worker });
  logger.info({ connectors: connectors.ids(), concurrency: config.worker.concurrency, workerId: worker.workerId }, 'sync worker ready');
  return {
    stop: async () => {
      await reconciler.stop();
      await worker.shutdown();
      await queue.close();
    },
  };
});
