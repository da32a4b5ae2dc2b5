// The sync worker: takes sync jobs from the queue and runs them through the pipeline. Run several for scale.
import { installedConnectors } from '../src/connector-sdk/installed.js';
import { refreshIndicatorValues } from '../src/pipeline/refresh-values.js';
import { runProcess } from '../src/process/main.js';
import { createSyncWorker } from '../src/queue/sync-worker.js';

await runProcess('sync-worker', async ({ config, logger, db, outages }) => {
  const connectors = await installedConnectors(config.connectorModules);
  // Values marked by a run that died before refreshing them are refreshed now (marks are durable).
  const leftover = await refreshIndicatorValues(db, { runId: null, logger });
  if (leftover.computed > 0) logger.info(leftover, 'refreshed indicator values left marked by an interrupted run');
  const worker = createSyncWorker({ db, logger, connectors, boundary: config.boundary }, { queue: config.queue, ...config.worker, outages });
  logger.info({ connectors: connectors.ids(), concurrency: config.worker.concurrency }, 'sync worker ready');
  return { stop: () => worker.shutdown() };
}, { whileDown: 'runs pause and resume from their last committed page once it is back' });
