import { Queue, type JobsOptions } from 'bullmq';
import type { Db } from '../warehouse/database.js';
import { createRun, setRunJob, type RunRequest, type SyncRun } from '../warehouse/sync-runs.js';

export const syncQueueName = 'lgsp-sync';

/** A sync job: run an existing run (`runId`), or, from a schedule, start a run for the connection. */
export interface SyncJobData {
  readonly connectionId: string;
  readonly runId?: number;
}

export type SyncQueue = Queue<SyncJobData>;

/** Retries with exponential backoff for transient failures; permanent ones fail at once (UnrecoverableError). */
export const syncJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

/** Where the queues live: a Redis and a key prefix (several installations or test runs can share a Redis). */
export interface QueueConnection {
  readonly redisUrl: string;
  readonly prefix: string;
}

export function createSyncQueue(q: QueueConnection): SyncQueue {
  return new Queue<SyncJobData>(syncQueueName, { connection: { url: q.redisUrl, maxRetriesPerRequest: null }, prefix: q.prefix });
}

/**
 * Queues a sync for the connection, unless it already has one queued or running: then that run is returned with
 * `joined` true. The job id is the run's, so one run is never queued twice.
 */
export async function requestSync(db: Db, queue: SyncQueue, request: RunRequest): Promise<{ run: SyncRun; joined: boolean }> {
  const { run, joined } = await createRun(db, request);
  if (!joined) await enqueueRun(db, queue, run);
  return { run, joined };
}

export async function enqueueRun(db: Db, queue: SyncQueue, run: SyncRun): Promise<void> {
  const jobId = `run-${run.id}`;
  await queue.add('sync', { connectionId: run.connection_id, runId: run.id }, { ...syncJobOptions, jobId });
  await setRunJob(db, run.id, jobId);
}
