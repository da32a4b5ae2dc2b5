import { sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../warehouse/database.js';
import type { SyncStatus } from '../warehouse/schema.js';
import { ScrapedHistogram } from './scraped-histogram.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { MetricsDeps } from './types.js';

/** Bounds of the run duration histogram, in seconds: a run takes seconds to hours. */
export const syncRunDurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600] as const;

interface RunGroupRow {
  connection_id: string;
  status: SyncStatus;
  runs: number;
  fetched: number;
  landed: number;
  rejected: number;
  /** Finished runs with a start and an end: the ones the duration histogram counts. */
  timed: number;
  seconds_sum: number;
  cumulative: number[];
}

/** One query per scrape: runs by connection and status, their record counters and duration buckets. */
async function readRunGroups(db: Db): Promise<RunGroupRow[]> {
  const buckets = sql.join(syncRunDurationBuckets.map((b) => sql`count(*) filter (where seconds <= ${b}::float8)::int`));
  const r = await sql<RunGroupRow>`
    with runs as (
      select connection_id, status, records_fetched, records_landed, records_rejected,
             case when status in ('succeeded', 'failed', 'cancelled') and started_at is not null and finished_at is not null
                  then extract(epoch from finished_at - started_at)::float8 end as seconds
      from sync_run
    )
    select connection_id, status, count(*)::int as runs,
           sum(records_fetched)::float8 as fetched, sum(records_landed)::float8 as landed, sum(records_rejected)::float8 as rejected,
           count(seconds)::int as timed, coalesce(sum(seconds), 0)::float8 as seconds_sum,
           array[${buckets}] as cumulative
    from runs
    group by connection_id, status
    order by connection_id, status`.execute(db);
  return r.rows;
}

/**
 * Sync runs from `sync_run`, read at scrape time (so they count the runs of every worker process):
 * `lgsp_sync_runs{connection,status}` (gauge: runs move from queued to running to an outcome),
 * `lgsp_sync_run_duration_seconds{connection,status}` (histogram of finished runs, start to finish), and the
 * records fetched, landed and rejected by connection (counters summed over the runs).
 */
export function registerSyncRunMetrics(registry: Registry, deps: MetricsDeps): void {
  const read = scrapeSnapshot(() => readRunGroups(deps.db));
  new Gauge({
    name: 'lgsp_sync_runs',
    help: 'Sync runs recorded in the warehouse, by connection and status',
    labelNames: ['connection', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await read();
      this.reset();
      for (const r of rows) this.set({ connection: r.connection_id, status: r.status }, r.runs);
    },
  });
  new ScrapedHistogram<'connection' | 'status'>({
    name: 'lgsp_sync_run_duration_seconds',
    help: 'How long finished sync runs took, from start to finish, by connection and outcome',
    buckets: syncRunDurationBuckets,
    registers: [registry],
    collect: async () =>
      (await read()).filter((r) => r.timed > 0).map((r) => ({
        labels: { connection: r.connection_id, status: r.status },
        cumulative: r.cumulative,
        sum: r.seconds_sum,
        count: r.timed,
      })),
  });
  const recordCounter = (name: string, help: string, pick: (totals: Totals) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['connection'] as const,
      registers: [registry],
      async collect() {
        const totals = totalsByConnection(await read());
        this.reset();
        for (const [connection, t] of totals) this.inc({ connection }, pick(t));
      },
    });
  recordCounter('lgsp_sync_records_fetched_total', 'Records fetched from the source by the runs of a connection', (t) => t.fetched);
  recordCounter('lgsp_sync_records_landed_total', 'Records landed (new or changed content) by the runs of a connection', (t) => t.landed);
  recordCounter('lgsp_sync_records_rejected_total', 'Records rejected (see `lgsp rejected list`) by the runs of a connection', (t) => t.rejected);
}

interface Totals {
  fetched: number;
  landed: number;
  rejected: number;
}

function totalsByConnection(rows: readonly RunGroupRow[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const r of rows) {
    const t = totals.get(r.connection_id) ?? { fetched: 0, landed: 0, rejected: 0 };
    t.fetched += r.fetched;
    t.landed += r.landed;
    t.rejected += r.rejected;
    totals.set(r.connection_id, t);
  }
  return totals;
}
