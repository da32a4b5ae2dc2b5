import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { SyncInterruptedError } from '../pipeline/errors.js';
import { isConnectionLoss } from '../process/connection-loss.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
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
/** A run cut by an outage waits longer the longer the outage lasts, up to this. */
const maxOutageDelayMs = 15_000;

/** Backoff while PostgreSQL or Redis is away: half the outage so far, from 1 s to 15 s (so a run resumes well within a minute of the service being back). */
function outageDelayMs(outages: DependencyWatch | undefined): number {
  return Math.min(maxOutageDelayMs, Math.max(resumeDelayMs, (outages?.downForMs() ?? 0) / 2));
}

/**
 * The sync job's contract: run the job's run to its end; a scheduled job first creates its run (and remembers
 * it, so a retry resumes the same run). Shutdown mid-run puts the job back, delayed, to resume from its last
 * page. Permanent errors fail the run and the job at once; transient ones are retried by BullMQ and fail the
 * run only on the last attempt. A lost connection to PostgreSQL or Redis is neither: the outage is reported to
 * `outages`, and the job put back with backoff, to resume from the last committed page once the service is back.
 */
export async function processSyncJob(job: Job<SyncJobData>, token: string | undefined, deps: SyncDeps, signal: AbortSignal, outages?: DependencyWatch): Promise<SyncJobResult> {
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
    if (isConnectionLoss(error)) {
      if (outages) await outages.report(error);
      else deps.logger.warn({ runId, err: (error as Error).message }, 'sync paused: a connection was lost; resuming from the last committed page');
      await job.moveToDelayed(Date.now() + outageDelayMs(outages), token);
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
