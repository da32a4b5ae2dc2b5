import type { Registry } from 'prom-client';
import type { SyncQueue } from '../queue/sync-queue.js';
import type { Db } from '../warehouse/database.js';

/** What the scrape-time metrics read: the warehouse and the queue, shared by every worker process. */
export interface MetricsDeps {
  readonly db: Db;
  readonly syncQueue: SyncQueue;
}

/** Adds a group of metrics to the registry; each reads its values at scrape time (collect callbacks). */
export type MetricsGroup = (registry: Registry, deps: MetricsDeps) => void;
