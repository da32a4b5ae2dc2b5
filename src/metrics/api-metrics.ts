import { Histogram, Registry } from 'prom-client';
import { registerEventStreamMetrics } from './event-stream-metrics.js';
import { registerOutboxMetrics } from './outbox-metrics.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { registerSyncRunMetrics } from './sync-run-metrics.js';
import type { MetricsDeps, MetricsGroup } from './types.js';
import { registerWebhookMetrics } from './webhook-metrics.js';
import { registerWorkerMetrics } from './worker-metrics.js';

/** Every group of scrape-time metrics; a new group is one function taking the registry, added here. */
export const metricsGroups: readonly MetricsGroup[] = [registerSyncRunMetrics, registerQueueMetrics, registerOutboxMetrics, registerEventStreamMetrics, registerWebhookMetrics, registerWorkerMetrics];

/** Bounds of the API request duration histogram, in seconds. */
export const apiRequestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ApiMetrics {
  /** The registry `/metrics` renders: one per API instance (several can share a process, as in the tests). */
  readonly registry: Registry;
  /** Records a finished request (its route pattern, never the raw URL, so label values stay few). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
}

/**
 * The API's metrics: the pipeline's state read at scrape time from PostgreSQL and Redis (true across every worker
 * process, whichever API instance is scraped), and this API instance's own request durations.
 */
export function createApiMetrics(deps: MetricsDeps): ApiMetrics {
  const registry = new Registry();
  for (const group of metricsGroups) group(registry, deps);
  const requests = new Histogram({
    name: 'lgsp_api_request_duration_seconds',
    help: 'Requests this API instance answered, by method, route pattern and status code, and how long they took',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: apiRequestDurationBuckets,
    registers: [registry],
  });
  return {
    registry,
    observeRequest: (method, route, statusCode, seconds) => { requests.observe({ method, route, status_code: String(statusCode) }, seconds); },
  };
}
