import type { SyncQueue } from './sync-queue.js';

/**
 * What became of a run's job in Redis. `live`: waiting, delayed, or active under a held lock. The others mean no
 * worker will ever run it: `missing` (Redis lost it: restarted without persistence, flushed, obliterated),
 * `failed` or `completed` (it ended while the run row says otherwise), `lock-lapsed` (active, but its lock expired:
 * the worker holding it died).
 */
export type JobLiveness = 'live' | 'missing' | 'failed' | 'completed' | 'lock-lapsed';

export async function jobLiveness(queue: SyncQueue, jobId: string): Promise<JobLiveness> {
  const state = await queue.getJobState(jobId);
  if (state === 'unknown') return 'missing';
  if (state === 'failed' || state === 'completed') return state;
  if (state !== 'active') return 'live';
  const client = await queue.getBackend().client;
  return (await client.get(queue.toKey(`${jobId}:lock`))) === null ? 'lock-lapsed' : 'live';
}
