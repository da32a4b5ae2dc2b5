import { Gauge, type Registry } from 'prom-client';
import type { MetricsDeps } from './types.js';

/**
 * The job states BullMQ counts (a paused queue's jobs count as waiting; completed and failed are the ones kept:
 * removeOnComplete/removeOnFail).
 */
export const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** `lgsp_queue_jobs{queue,state}`: the sync queue's depth by state, read from Redis at scrape time. */
export function registerQueueMetrics(registry: Registry, deps: MetricsDeps): void {
  new Gauge({
    name: 'lgsp_queue_jobs',
    help: 'Jobs in the queue by state (from Redis, across every worker)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await deps.syncQueue.getJobCounts(...queueStates);
      this.reset();
      for (const state of queueStates) this.set({ queue: deps.syncQueue.name, state }, counts[state] ?? 0);
    },
  });
}
