import { ConflictError } from '../errors.js';
import type { SyncQueue } from '../queue/sync-queue.js';
import type { Db } from '../warehouse/database.js';
import { cancelRun, type SyncRun } from '../warehouse/sync-runs.js';
import { requireRun } from './lookups.js';

/** A run an operator gave up on, and whether its job was taken off the queue (false: a worker holds it, or it was gone). */
export interface CancelledRun {
  readonly run: SyncRun;
  readonly jobRemoved: boolean;
}

/**
 * Ends a queued or running run: cancelled (RUN_CANCELLED, with its run-finished event), its connection free for a
 * new run at once. A waiting or delayed job is removed; a worker executing it stops at its next page, which rolls
 * back whole (pages already committed stay, as after any interruption). A run that has ended: ConflictError RUN_NOT_ACTIVE.
 */
export async function cancelActiveRun(db: Db, queue: SyncQueue, runId: number): Promise<CancelledRun> {
  await requireRun(db, runId);
  const run = await cancelRun(db, runId);
  if (!run) {
    const ended = await requireRun(db, runId);
    throw new ConflictError(
      'RUN_NOT_ACTIVE',
      `run ${runId} has already ended (${ended.status}): only a queued or running run can be cancelled. See it with \`lgsp runs show ${runId}\`; start a new sync with \`lgsp sync ${ended.connection_id}\`.`,
    );
  }
  const jobRemoved = run.job_id !== null && (await queue.remove(run.job_id)) === 1;
  return { run, jobRemoved };
}
