import type { ProcessContext } from '../process/main.js';
import { reconcileSchedules } from './schedules.js';
import { createSyncQueue } from './sync-queue.js';

/** Schedules also change through the CLI and API, which reconcile at once; this catches anything else. */
const reconcileEveryMs = 60_000;

/** The scheduler as a process runs it: keeps BullMQ's job schedulers in step with the connections' schedules. */
export async function startScheduler({ config, logger, db, outages }: ProcessContext): Promise<{ stop: () => Promise<void> }> {
  const queue = createSyncQueue(config.queue);
  queue.on('error', (error) => { void outages.report(error); });
  const reconcile = async () => {
    const report = await reconcileSchedules(db, queue);
    for (const bad of report.invalid) logger.warn(bad, 'connection has an invalid schedule; fix it with `lgsp schedule set`');
    logger.info({ scheduled: report.upserted.length, removed: report.removed }, 'schedules reconciled');
  };
  await reconcile();
  const timer = setInterval(() => {
    reconcile().catch((error: unknown) => { if (!outages.reportIfLost(error)) logger.error({ err: (error as Error).message }, 'reconciling schedules failed'); });
  }, reconcileEveryMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await queue.close();
    },
  };
}
