// The sync worker: takes sync jobs from the queue and runs them through the pipeline. Run several for scale.
import { installedConnectors } from '../src/connector-sdk/installed.js';
import { runProcess } from '../src/process/main.js';
import { createSyncWorker } from '../src/queue/sync-worker.js';

await runProcess('sync-worker', async ({ config, logger, db }) => {
  const connectors = await installedConnectors(config.connectorModules);
  const { shutdown } = createSyncWorker({ db, logger, connectors }, { queue: config.queue, ...config.worker });
  logger.info({ connectors: connectors.ids(), concurrency: config.worker.concurrency }, 'sync worker ready');
  return { stop: shutdown };
});
