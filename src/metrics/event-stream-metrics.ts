import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Db } from '../warehouse/database.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { MetricsDeps } from './types.js';

interface StreamLossTotals {
  stream_key: string;
  resets: number;
  republished_events: number;
}

async function readStreamLossTotals(db: Db): Promise<StreamLossTotals[]> {
  return (await sql<StreamLossTotals>`select stream_key, resets, republished_events from event_stream_marker order by stream_key`.execute(db)).rows;
}

/**
 * Losses of the event stream the relay noticed (Redis lost entries it had published) and the events it
 * republished from the outbox after them, by stream, from `event_stream_marker` at scrape time. Any increase
 * means Redis lost data: make it persistent (appendonly yes).
 */
export function registerEventStreamMetrics(registry: Registry, deps: MetricsDeps): void {
  const read = scrapeSnapshot(() => readStreamLossTotals(deps.db));
  const totalCounter = (name: string, help: string, pick: (t: StreamLossTotals) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['stream'] as const,
      registers: [registry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const r of rows) this.inc({ stream: r.stream_key }, pick(r));
      },
    });
  totalCounter('lgsp_event_stream_resets_total', 'Times the relay found the event stream had lost entries it published', (t) => t.resets);
  totalCounter('lgsp_event_stream_republished_events_total', 'Events the relay republished from the outbox after the stream lost them', (t) => t.republished_events);
}
