import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import { activeRunStatuses, getRun, type SyncRun } from '../warehouse/sync-runs.js';
import { jobLiveness, type JobLiveness } from './job-liveness.js';
import { enqueueRun, syncJobId, type SyncQueue } from './sync-queue.js';

/** A run that was queued or running with no live job, queued again under its own id (it resumes from its cursors). */
export interface RequeuedRun {
  readonly runId: number;
  readonly connectionId: string;
  readonly jobId: string;
  /** What had become of its job. */
  readonly lost: Exclude<JobLiveness, 'live'>;
}

/**
 * PostgreSQL is the truth about runs: an active run whose job is gone, ended or abandoned is queued again, under
 * the same run id. Returns null when its job is alive or the run has ended meanwhile. Safe to run in several
 * processes at once: the job id is the run's, so BullMQ adds it once, and a job another process just requeued is
 * either alive (left alone) or, if still waiting, removed and added again: one job either way.
 */
export async function requeueIfLost(db: Db, queue: SyncQueue, run: SyncRun): Promise<RequeuedRun | null> {
  const lost = run.job_id === null ? 'missing' : await jobLiveness(queue, run.job_id);
  if (lost === 'live') return null;
  // A lapsed lock with a worker on the queue is that worker's stalled-job check to recover (BullMQ puts the job
  // back): taking it from under a worker that is only slow to renew would run the run twice.
  if (lost === 'lock-lapsed' && (await queue.getWorkersCount()) > 0) return null;
  // A job ends after its run row does: read the row again now that the job is known to be dead.
  const current = await getRun(db, run.id);
  if (!current || (current.status !== 'queued' && current.status !== 'running')) return null;
  const jobId = syncJobId(current);
  // An ended job keeps its id: it must go before the run can be queued under that id again. Nothing is removed
  // when a worker holds it (another process requeued it meanwhile and it runs): then it is alive.
  if (lost !== 'missing' && current.job_id === jobId && (await queue.remove(jobId)) !== 1) return null;
  await enqueueRun(db, queue, current);
  return { runId: current.id, connectionId: current.connection_id, jobId, lost };
}

/** Every active run checked once (when a worker starts, and then periodically); the requeued ones are logged. */
export async function reconcileRuns(db: Db, queue: SyncQueue, logger: Logger): Promise<RequeuedRun[]> {
  const runs = await db.selectFrom('sync_run').selectAll().where('status', 'in', activeRunStatuses).orderBy('id').execute();
  const requeued: RequeuedRun[] = [];
  for (const run of runs) {
    const again = await requeueIfLost(db, queue, run);
    if (again) {
      logger.warn(again, 'requeued a run whose job was lost: it resumes from its last committed page');
      requeued.push(again);
    }
  }
  return requeued;
}
