import { Gauge, type Registry } from 'prom-client';
import { liveWorkers } from '../queue/worker-heartbeats.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { MetricsDeps } from './types.js';

/**
 * `lgsp_sync_workers`: sync workers with a current heartbeat; `lgsp_sync_worker_current_run{worker}`: the oldest run
 * each executes (0 idle). One series per live worker (host:pid), never per run: label values stay few.
 */
export function registerWorkerMetrics(registry: Registry, deps: MetricsDeps): void {
  const read = scrapeSnapshot(() => liveWorkers(deps.syncQueue));
  new Gauge({
    name: 'lgsp_sync_workers',
    help: 'Sync workers whose heartbeat is current (from Redis)',
    registers: [registry],
    async collect() {
      this.set((await read()).length);
    },
  });
  new Gauge({
    name: 'lgsp_sync_worker_current_run',
    help: 'The id of the oldest run each live sync worker is executing; 0 when it is idle',
    labelNames: ['worker'] as const,
    registers: [registry],
    async collect() {
      const workers = await read();
      this.reset();
      for (const w of workers) this.set({ worker: w.id }, w.runs[0] ?? 0);
    },
  });
}
