import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../warehouse/database.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { MetricsDeps } from './types.js';

interface OutboxLag {
  rows: number;
  events: number;
  oldest_age_seconds: number;
}

async function readOutboxLag(db: Db): Promise<OutboxLag> {
  const r = await sql<OutboxLag>`
    select count(*)::int as rows,
           coalesce(sum(coalesce(cardinality(revision_ids), 1)), 0)::float8 as events,
           coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_age_seconds
    from outbox_event where published_at is null`.execute(db);
  return r.rows[0] ?? { rows: 0, events: 0, oldest_age_seconds: 0 };
}

/**
 * How far the outbox relay is behind, from `outbox_event` at scrape time: rows and events committed but not
 * yet published to the event stream, and the age of the oldest (0 when none waits). A growing age means the
 * relay is down or stuck.
 */
export function registerOutboxMetrics(registry: Registry, deps: MetricsDeps): void {
  const read = scrapeSnapshot(() => readOutboxLag(deps.db));
  new Gauge({
    name: 'lgsp_outbox_unpublished_rows',
    help: 'Outbox rows committed but not yet published to the event stream',
    registers: [registry],
    async collect() { this.set((await read()).rows); },
  });
  new Gauge({
    name: 'lgsp_outbox_unpublished_events',
    help: 'Change events in the unpublished outbox rows (a row of observation revisions holds a page of events)',
    registers: [registry],
    async collect() { this.set((await read()).events); },
  });
  new Gauge({
    name: 'lgsp_outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row in seconds (0 when the relay has published everything)',
    registers: [registry],
    async collect() { this.set((await read()).oldest_age_seconds); },
  });
}
