import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { SyncInterruptedError } from '../pipeline/errors.js';
import { executeRun, type SyncDeps } from '../pipeline/run-sync.js';
import { createRun, describeError, recordRunError, setRunJob, type SyncRun } from '../warehouse/sync-runs.js';
import type { SyncJobData } from './sync-queue.js';

export interface SyncJobResult {
  readonly runId: number;
  readonly status: SyncRun['status'] | 'skipped';
  readonly note?: string;
}

/** How soon an interrupted run is picked up again (by this worker after a restart, or by another). */
const resumeDelayMs = 1_000;

/**
 * The sync job's contract: run the job's run to its end; a scheduled job first creates its run (and remembers
 * it, so a retry resumes the same run). Shutdown mid-run puts the job back, delayed, to resume from its last
 * page. Permanent errors fail the run and the job at once; transient ones are retried by BullMQ and fail the
 * run only on the last attempt.
 */
export async function processSyncJob(job: Job<SyncJobData>, token: string | undefined, deps: SyncDeps, signal: AbortSignal): Promise<SyncJobResult> {
  let runId = job.data.runId;
  if (runId === undefined) {
    const { run, joined } = await createRun(deps.db, { connectionId: job.data.connectionId, mode: 'incremental', params: { scheduled: true } });
    if (joined) {
      deps.logger.info({ connectionId: job.data.connectionId, runId: run.id }, 'scheduled sync skipped: the connection already has a sync queued or running');
      return { runId: run.id, status: 'skipped', note: `run ${run.id} was already active` };
    }
    runId = run.id;
    await job.updateData({ ...job.data, runId });
    if (job.id !== undefined) await setRunJob(deps.db, runId, job.id);
  }
  try {
    const run = await executeRun(deps, runId, {
      signal,
      onPage: async (p) => {
        await job.updateProgress({ runId: p.runId, stream: p.stream, ...p.total });
      },
    });
    return { runId, status: run.status };
  } catch (error) {
    if (error instanceof SyncInterruptedError) {
      await job.moveToDelayed(Date.now() + resumeDelayMs, token);
      throw new DelayedError();
    }
    const described = describeError(error);
    const attempts = job.opts.attempts ?? 1;
    const final = described.permanent || job.attemptsMade + 1 >= attempts;
    await recordRunError(deps.db, runId, error, final);
    deps.logger.error({ runId, connectionId: job.data.connectionId, err: described, attempt: job.attemptsMade + 1, final }, 'sync failed');
    if (described.permanent) throw new UnrecoverableError(`${described.code}: ${described.message}`);
    throw error;
  }
}
