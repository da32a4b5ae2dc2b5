import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { SyncInterruptedError } from '../pipeline/errors.js';
import { isConnectionLoss } from '../process/connection-loss.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import { executeRun, type SyncDeps } from '../pipeline/run-sync.js';
import { createRun, describeError, recordRunError, RunCancelledError, type SyncRun } from '../warehouse/sync-runs.js';
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

/** What a run that failed for good after its retries tells the operator (nothing retries it any more). */
export function gaveUpStep(connectionId: string, attempts: number): string {
  return `The sync gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} and is not retried any more: run \`lgsp sync ${connectionId}\` once the source is back; it resumes from its cursor.`;
}

/**
 * The sync job's contract: run the job's run to its end; a scheduled job first creates its run (and remembers
 * it, so a retry resumes the same run). Shutdown mid-run puts the job back, delayed, to resume from its last
 * page. Permanent errors fail the run and the job at once; transient ones are retried by BullMQ and fail the
 * run only on the last attempt. A lost connection to PostgreSQL or Redis is neither: the outage is reported to
 * `outages`, and the job put back with backoff, to resume from the last committed page once the service is back.
 */
/** What the worker around a job wants to hear: where lost connections go, and when a scheduled job's run is known. */
export interface SyncJobHooks {
  /** Where a lost connection is reported (logged once per outage); without it each is logged. */
  readonly outages?: DependencyWatch | undefined;
  readonly onRunKnown?: () => void;
}

export async function processSyncJob(job: Job<SyncJobData>, token: string | undefined, deps: SyncDeps, signal: AbortSignal, hooks: SyncJobHooks = {}): Promise<SyncJobResult> {
  const { outages, onRunKnown } = hooks;
  let runId = job.data.runId;
  if (runId === undefined) {
    // The run remembers its job from the start: a reconciler must not take it for a run whose job was lost.
    const { run, joined } = await createRun(deps.db, { connectionId: job.data.connectionId, mode: 'incremental', params: { scheduled: true }, ...(job.id === undefined ? {} : { jobId: job.id }) });
    if (joined) {
      deps.logger.info({ connectionId: job.data.connectionId, runId: run.id }, 'scheduled sync skipped: the connection already has a sync queued or running');
      return { runId: run.id, status: 'skipped', note: `run ${run.id} was already active` };
    }
    runId = run.id;
    await job.updateData({ ...job.data, runId });
    onRunKnown?.();
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
    if (error instanceof RunCancelledError) {
      deps.logger.info({ runId, connectionId: job.data.connectionId }, 'run cancelled: stopped between pages');
      return { runId, status: 'cancelled' };
    }
    const described = describeError(error);
    const attempts = job.opts.attempts ?? 1;
    const exhausted = !described.permanent && job.attemptsMade + 1 >= attempts;
    const final = described.permanent || exhausted;
    await recordRunError(deps.db, runId, error, final, exhausted ? gaveUpStep(job.data.connectionId, attempts) : undefined);
    deps.logger.error({ runId, connectionId: job.data.connectionId, err: described, attempt: job.attemptsMade + 1, final }, 'sync failed');
    if (described.permanent) throw new UnrecoverableError(`${described.code}: ${described.message}`);
    throw error;
  }
}
