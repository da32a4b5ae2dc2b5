import { Queue, type JobsOptions, type RedisOptions } from 'bullmq';
import { defaultSyncRetry, type SyncRetryPolicy } from '../config/env.js';
import { isSentinelUrl, parseSentinelUrl, redisDatabase } from '../config/redis-connection.js';
import type { Db } from '../warehouse/database.js';
import { createRun, setRunJob, type RunRequest, type SyncRun } from '../warehouse/sync-runs.js';

export const syncQueueName = 'lgsp-sync';

/** A sync job: run an existing run (`runId`), or, from a schedule, start a run for the connection. */
export interface SyncJobData {
  readonly connectionId: string;
  readonly runId?: number;
}

export type SyncQueue = Queue<SyncJobData>;

/**
 * Retries with exponential backoff for transient failures (a source down for minutes is ridden out); permanent
 * ones fail at once (UnrecoverableError). The queue's defaults: every job and job scheduler gets them.
 */
export function syncJobOptions(retry: SyncRetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  };
}

/** Where the queues live: a Redis and a key prefix (several installations or test runs can share a Redis). */
export interface QueueConnection {
  readonly redisUrl: string;
  readonly prefix: string;
  /** The sync jobs' retries (the configured ones; `defaultSyncRetry` when not given). */
  readonly retry?: SyncRetryPolicy;
}

/** BullMQ's `connection` for a Redis URL (plain or Sentinel): BullMQ opens its connections, blocking ones too, from it. */
export function queueConnectionOptions(redisUrl: string, options: { readonly failFast?: boolean } = {}): RedisOptions {
  // maxRetriesPerRequest null, as BullMQ requires of a worker: its blocking commands must wait for Redis, not fail.
  // `failFast` (a queue, not a worker): a command fails after one reconnect attempt while Redis is away (the API answers 503).
  return { ...(isSentinelUrl(redisUrl) ? parseSentinelUrl(redisUrl) : { url: redisUrl }), maxRetriesPerRequest: options.failFast === true ? 1 : null };
}

export function createSyncQueue(q: QueueConnection, options: { readonly failFast?: boolean } = {}): SyncQueue {
  return new Queue<SyncJobData>(syncQueueName, {
    connection: queueConnectionOptions(q.redisUrl, options),
    prefix: q.prefix,
    defaultJobOptions: syncJobOptions(q.retry ?? defaultSyncRetry),
  });
}

/**
 * Queues a sync for the connection, unless it already has one queued or running: then that run is returned with
 * `joined` true (whether its job is still alive is the reconciler's question: src/queue/lost-runs.ts). The job id
 * is the run's, so one run is never queued twice.
 */
export async function requestSync(db: Db, queue: SyncQueue, request: RunRequest): Promise<{ run: SyncRun; joined: boolean }> {
  const { run, joined } = await createRun(db, request);
  if (!joined) await enqueueRun(db, queue, run);
  return { run, joined };
}

/**
 * The job of a run. Its id names the run and when it was queued: one run is never queued twice, and a warehouse
 * rebuilt from scratch (run ids start again at 1) cannot collide with jobs Redis still remembers.
 */
export function syncJobId(run: Pick<SyncRun, 'id' | 'queued_at'>): string {
  return `run-${run.id}-${run.queued_at.getTime()}`;
}

export async function enqueueRun(db: Db, queue: SyncQueue, run: SyncRun): Promise<void> {
  const jobId = syncJobId(run);
  await queue.add('sync', { connectionId: run.connection_id, runId: run.id }, { jobId });
  await setRunJob(db, run.id, jobId);
}

/**
 * How many workers consume this queue. BullMQ's `getWorkersCount()` counts every client named after the queue
 * (prefix and name) on the whole Redis server: CLIENT LIST is not per database, so workers of the same queue in
 * another Redis database would be counted too. Only those on our database are.
 */
export async function workersOnQueue(queue: SyncQueue, redisUrl: string): Promise<number> {
  const db = String(redisDatabase(redisUrl));
  const workers = await queue.getWorkers();
  return workers.filter((w) => w.db === undefined || w.db === db).length;
}
