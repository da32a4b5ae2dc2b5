import { Worker } from 'bullmq';
import type { SyncDeps } from '../pipeline/run-sync.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import { processSyncJob, type SyncJobResult } from './sync-job.js';
import { queueConnectionOptions, syncQueueName, type QueueConnection, type SyncJobData } from './sync-queue.js';

export interface SyncWorkerOptions {
  readonly queue: QueueConnection;
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Where lost connections are reported (logged once per outage); without it each is logged. */
  readonly outages?: DependencyWatch;
}

export interface SyncWorker {
  readonly worker: Worker<SyncJobData, SyncJobResult>;
  /** Stops taking jobs, lets the current pages commit (their runs resume later), then closes. */
  shutdown(): Promise<void>;
}

/** A thin BullMQ entry over `processSyncJob`. Several processes may run it against the same queue. */
export function createSyncWorker(deps: SyncDeps, options: SyncWorkerOptions): SyncWorker {
  const stopping = new AbortController();
  const worker = new Worker<SyncJobData, SyncJobResult>(syncQueueName, (job, token) => processSyncJob(job, token, deps, stopping.signal, options.outages), {
    connection: queueConnectionOptions(options.queue.redisUrl),
    prefix: options.queue.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A run killed mid-page is resumed from its cursor: being stalled is not a reason to give up on it.
    maxStalledCount: 10,
  });
  worker.on('failed', (job, error) => { deps.logger.warn({ jobId: job?.id, runId: job?.data.runId, err: error.message }, 'sync job attempt failed'); });
  worker.on('error', (error) => { if (options.outages?.reportIfLost(error) !== true) deps.logger.error({ err: error.message }, 'sync worker error'); });
  return {
    worker,
    async shutdown() {
      stopping.abort();
      await worker.close();
    },
  };
}
