import { Worker, type Job } from 'bullmq';
import type { SyncDeps } from '../pipeline/run-sync.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import { processSyncJob, type SyncJobResult } from './sync-job.js';
import { createSyncQueue, queueConnectionOptions, syncQueueName, type QueueConnection, type SyncJobData } from './sync-queue.js';
import { heartbeatWriter } from './worker-heartbeats.js';

export interface SyncWorkerOptions {
  readonly queue: QueueConnection;
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken over after about this long. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Where lost connections are reported (logged once per outage); without it each is logged. */
  readonly outages?: DependencyWatch;
  /** How often the worker's heartbeat (`lgsp workers`, /metrics) is renewed; 10 s when not given. */
  readonly heartbeatMs?: number;
}

export interface SyncWorker {
  readonly worker: Worker<SyncJobData, SyncJobResult>;
  /** The id its heartbeat goes by: host:pid. */
  readonly workerId: string;
  /** Stops taking jobs, lets the current pages commit (their runs resume later), then closes. */
  shutdown(): Promise<void>;
}

/** A thin BullMQ entry over `processSyncJob`, with a heartbeat naming its runs. Several processes may run it against the same queue. */
export function createSyncWorker(deps: SyncDeps, options: SyncWorkerOptions): SyncWorker {
  const stopping = new AbortController();
  const queue = createSyncQueue(options.queue);
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const heartbeat = heartbeatWriter(queue, heartbeatMs);
  const current = new Set<Job<SyncJobData>>();
  // One heartbeat write at a time, in order, each with the runs of its moment (a scheduled job learns its run id
  // once it has created the run): an older write never lands after a newer one.
  let beating: Promise<void> = Promise.resolve();
  const beat = () => {
    beating = beating
      .then(() => heartbeat.beat([...current].flatMap((j) => (j.data.runId === undefined ? [] : [j.data.runId]))))
      .catch((error: unknown) => { deps.logger.warn({ err: (error as Error).message }, 'could not write the worker heartbeat'); });
  };
  const worker = new Worker<SyncJobData, SyncJobResult>(syncQueueName, async (job, token) => {
    current.add(job);
    beat();
    try {
      return await processSyncJob(job, token, deps, stopping.signal, { outages: options.outages, onRunKnown: beat });
    } finally {
      current.delete(job);
      beat();
    }
  }, {
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
  beat();
  const timer = setInterval(beat, heartbeatMs);
  return {
    worker,
    workerId: heartbeat.workerId,
    async shutdown() {
      stopping.abort();
      await worker.close();
      clearInterval(timer);
      await beating;
      await heartbeat.remove().catch((error: unknown) => { deps.logger.warn({ err: (error as Error).message }, 'could not remove the worker heartbeat'); });
      await queue.close();
    },
  };
}
