import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRunDurationBuckets } from '../src/metrics/sync-run-metrics.js';
import { insertConnection } from '../src/warehouse/connections.js';
import type { SyncStatus } from '../src/warehouse/schema.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** The exposition as `name{label="value",…}` (labels sorted) → value, and the declared types. */
function parseExposition(text: string): { values: Map<string, number>; types: Map<string, string> } {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] ?? '', type[2] ?? '');
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k ?? ''}="${v ?? ''}"`).sort();
    values.set(`${match[1] ?? ''}{${labels.join(',')}}`, Number(match[3]));
  }
  return { values, types };
}

/** The key of a sample, labels sorted as parseExposition writes them. */
function sample(name: string, labels: Record<string, string | number> = {}): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',')}}`;
}

describe('GET /metrics: Prometheus metrics read from the warehouse and Redis at scrape time', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    const db = api.t.db;
    for (const id of ['conn-a', 'conn-b']) {
      await insertConnection(db, { id, connectorId: 'test-dossiers', name: id, config: { baseUrl: 'http://127.0.0.1:1' }, secretRefs: {} });
    }
    const base = Date.UTC(2025, 7, 1, 2, 0, 0);
    const run = async (connection: string, status: SyncStatus, seconds: number | null, records: [number, number, number], started = true) => {
      await db.insertInto('sync_run').values({
        connection_id: connection,
        mode: 'incremental',
        status,
        queued_at: new Date(base - 1000),
        started_at: started ? new Date(base) : null,
        finished_at: seconds === null ? null : new Date(base + seconds * 1000),
        records_fetched: records[0],
        records_landed: records[1],
        records_rejected: records[2],
      }).execute();
    };
    await run('conn-a', 'succeeded', 0.5, [10, 5, 1]);
    await run('conn-a', 'succeeded', 3, [20, 6, 0]);
    await run('conn-a', 'succeeded', 45, [30, 7, 2]);
    await run('conn-a', 'failed', 700, [4, 0, 4]);
    await run('conn-a', 'running', null, [3, 0, 0]);
    await run('conn-b', 'succeeded', 1, [100, 100, 0]); // exactly on a bound: counted in le="1"
    await run('conn-b', 'queued', null, [0, 0, 0], false);

    // Outbox: one row published, two waiting (a batch of 3 revisions 90 s old, and a single event).
    await sql`insert into outbox_event (type, subject, data, created_at, published_at) values ('vn.lgsp.sync.completed.v1', 'sync/conn-a/1', '{}', now() - interval '10 minutes', now())`.execute(db);
    await sql`insert into outbox_event (type, revision_ids, created_at) values ('vn.lgsp.observation.revisions', array[1, 2, 3]::bigint[], now() - interval '90 seconds')`.execute(db);
    await sql`insert into outbox_event (type, subject, data) values ('vn.lgsp.sync.failed.v1', 'sync/conn-a/4', '{}')`.execute(db);

    // Queue: two waiting, one delayed.
    await api.deps.syncQueue.add('sync', { connectionId: 'conn-a', runId: 5 }, { jobId: 'w1' });
    await api.deps.syncQueue.add('sync', { connectionId: 'conn-b', runId: 7 }, { jobId: 'w2' });
    await api.deps.syncQueue.add('sync', { connectionId: 'conn-b' }, { jobId: 'd1', delay: 60_000 });
  });
  afterAll(async () => {
    await api.close();
  });

  const scrape = async () => {
    const res = await api.request({ method: 'GET', url: '/metrics', as: 'read' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(res.body);
  };

  it('401 without a key; a read key as bearer token or as basic-auth password', async () => {
    const missing = await api.request({ method: 'GET', url: '/metrics', as: null });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBeUndefined(); // no browser prompt outside the dashboard
    const basic = await api.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Basic ${Buffer.from(`prometheus:${api.keys.read}`).toString('base64')}` } });
    expect(basic.statusCode).toBe(200);
    const wrongBasic = await api.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Basic ${Buffer.from('prometheus:not-a-key').toString('base64')}` } });
    expect(wrongBasic.statusCode).toBe(401);
  });

  it('counts sync runs by connection and status', async () => {
    const { values, types } = await scrape();
    expect(types.get('lgsp_sync_runs')).toBe('gauge');
    const runs = [...values].filter(([k]) => k.startsWith('lgsp_sync_runs{'));
    expect(Object.fromEntries(runs)).toEqual({
      [sample('lgsp_sync_runs', { connection: 'conn-a', status: 'succeeded' })]: 3,
      [sample('lgsp_sync_runs', { connection: 'conn-a', status: 'failed' })]: 1,
      [sample('lgsp_sync_runs', { connection: 'conn-a', status: 'running' })]: 1,
      [sample('lgsp_sync_runs', { connection: 'conn-b', status: 'succeeded' })]: 1,
      [sample('lgsp_sync_runs', { connection: 'conn-b', status: 'queued' })]: 1,
    });
  });

  it('renders finished runs as a duration histogram with hand-computed buckets, sum and count', async () => {
    const { values, types } = await scrape();
    expect(types.get('lgsp_sync_run_duration_seconds')).toBe('histogram');
    const expectHistogram = (labels: Record<string, string>, observations: number[]) => {
      for (const le of syncRunDurationBuckets) {
        expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { ...labels, le })), `le=${le}`).toBe(observations.filter((o) => o <= le).length);
      }
      expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { ...labels, le: '+Inf' }))).toBe(observations.length);
      expect(values.get(sample('lgsp_sync_run_duration_seconds_count', labels))).toBe(observations.length);
      expect(values.get(sample('lgsp_sync_run_duration_seconds_sum', labels))).toBe(observations.reduce((a, b) => a + b, 0));
    };
    // By hand: conn-a succeeded 0.5, 3 and 45 s → le=1: 1, le=5: 2, le=15: 2, le=30: 2, le=60: 3 …; sum 48.5.
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 1 }))).toBe(1);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 5 }))).toBe(2);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 30 }))).toBe(2);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 60 }))).toBe(3);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_sum', { connection: 'conn-a', status: 'succeeded' }))).toBe(48.5);
    // conn-a failed after 700 s: nothing up to le=600, 1 from le=1800.
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'failed', le: 600 }))).toBe(0);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'failed', le: 1800 }))).toBe(1);
    expectHistogram({ connection: 'conn-a', status: 'succeeded' }, [0.5, 3, 45]);
    expectHistogram({ connection: 'conn-a', status: 'failed' }, [700]);
    expectHistogram({ connection: 'conn-b', status: 'succeeded' }, [1]);
    // Unfinished runs are not observed.
    expect([...values.keys()].filter((k) => k.startsWith('lgsp_sync_run_duration_seconds_count{'))).toHaveLength(3);
  });

  it('sums records fetched, landed and rejected by connection', async () => {
    const { values, types } = await scrape();
    expect(types.get('lgsp_sync_records_fetched_total')).toBe('counter');
    expect(values.get(sample('lgsp_sync_records_fetched_total', { connection: 'conn-a' }))).toBe(10 + 20 + 30 + 4 + 3);
    expect(values.get(sample('lgsp_sync_records_landed_total', { connection: 'conn-a' }))).toBe(5 + 6 + 7);
    expect(values.get(sample('lgsp_sync_records_rejected_total', { connection: 'conn-a' }))).toBe(1 + 2 + 4);
    expect(values.get(sample('lgsp_sync_records_fetched_total', { connection: 'conn-b' }))).toBe(100);
    expect(values.get(sample('lgsp_sync_records_landed_total', { connection: 'conn-b' }))).toBe(100);
    expect(values.get(sample('lgsp_sync_records_rejected_total', { connection: 'conn-b' }))).toBe(0);
  });

  it('shows queue depths by state and the outbox lag', async () => {
    const { values } = await scrape();
    const queue = api.deps.syncQueue.name;
    expect(values.get(sample('lgsp_queue_jobs', { queue, state: 'waiting' }))).toBe(2);
    expect(values.get(sample('lgsp_queue_jobs', { queue, state: 'delayed' }))).toBe(1);
    for (const state of ['active', 'prioritized', 'waiting-children', 'completed', 'failed']) expect(values.get(sample('lgsp_queue_jobs', { queue, state }))).toBe(0);
    expect(values.get(sample('lgsp_outbox_unpublished_rows'))).toBe(2);
    expect(values.get(sample('lgsp_outbox_unpublished_events'))).toBe(3 + 1);
    const age = values.get(sample('lgsp_outbox_oldest_unpublished_age_seconds')) ?? 0;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(90 + 60);
  });

  it('follows the database: a run finishing and the relay publishing show at the next scrape', async () => {
    await sql`update sync_run set status = 'succeeded', finished_at = started_at + interval '2 hours' where status = 'running'`.execute(api.t.db);
    await sql`update outbox_event set published_at = now() where published_at is null`.execute(api.t.db);
    const { values } = await scrape();
    expect(values.get(sample('lgsp_sync_runs', { connection: 'conn-a', status: 'succeeded' }))).toBe(4);
    expect(values.has(sample('lgsp_sync_runs', { connection: 'conn-a', status: 'running' }))).toBe(false);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 3600 }))).toBe(3);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_bucket', { connection: 'conn-a', status: 'succeeded', le: 7200 }))).toBe(4);
    expect(values.get(sample('lgsp_sync_run_duration_seconds_sum', { connection: 'conn-a', status: 'succeeded' }))).toBe(48.5 + 7200);
    expect(values.get(sample('lgsp_outbox_unpublished_rows'))).toBe(0);
    expect(values.get(sample('lgsp_outbox_unpublished_events'))).toBe(0);
    expect(values.get(sample('lgsp_outbox_oldest_unpublished_age_seconds'))).toBe(0);
  });

  it("times the API's own requests by method, route pattern and status", async () => {
    const before = (await scrape()).values;
    const key = (route: string, status: number) => sample('lgsp_api_request_duration_seconds_count', { method: 'GET', route, status_code: status });
    const count = (values: Map<string, number>, k: string) => values.get(k) ?? 0;
    await api.request({ method: 'GET', url: '/health', as: null });
    await api.request({ method: 'GET', url: '/health', as: null });
    await api.request({ method: 'GET', url: '/v1/whoami', as: null });
    const { values, types } = await scrape();
    expect(types.get('lgsp_api_request_duration_seconds')).toBe('histogram');
    expect(count(values, key('/health', 200)) - count(before, key('/health', 200))).toBe(2);
    expect(count(values, key('/v1/whoami', 401)) - count(before, key('/v1/whoami', 401))).toBe(1);
    // The scrape before this one was counted too (after its response).
    expect(count(values, key('/metrics', 200))).toBeGreaterThanOrEqual(1);
    const inf = values.get(sample('lgsp_api_request_duration_seconds_bucket', { method: 'GET', route: '/health', status_code: 200, le: '+Inf' }));
    expect(inf).toBe(count(values, key('/health', 200)));
  });

  it('counts webhook failures and dead letters by subscription', async () => {
    const db = api.t.db;
    const subscription = (id: string, failed: number) => sql`
      insert into webhook_subscription (id, url, secret, stream_start_id, failed_attempts) values (${id}, 'http://127.0.0.1:1/hook', 'whsec_test', '0-0', ${failed})`.execute(db);
    await subscription('wh-ok', 0);
    await subscription('wh-failing', 9);
    for (const [entry, redelivered] of [['1-0', false], ['2-0', true], ['3-0', false]] as const) {
      await sql`
        insert into webhook_dead_letter (subscription_id, stream_entry_id, event_id, event_type, subject, event, attempts, redelivered_at)
        values ('wh-failing', ${entry}, ${`revision-${entry}`}, 'vn.lgsp.observation.changed.v1', 'X/91/2025', '{}', 3, ${redelivered ? new Date() : null})`.execute(db);
    }
    const { values } = await scrape();
    expect(values.get(sample('lgsp_webhook_failed_attempts_total', { subscription: 'wh-failing' }))).toBe(9);
    expect(values.get(sample('lgsp_webhook_failed_attempts_total', { subscription: 'wh-ok' }))).toBe(0);
    expect(values.get(sample('lgsp_webhook_dead_letters_total', { subscription: 'wh-failing' }))).toBe(3);
    expect(values.get(sample('lgsp_webhook_dead_letters_pending', { subscription: 'wh-failing' }))).toBe(2);
    expect(values.get(sample('lgsp_webhook_dead_letters_pending', { subscription: 'wh-ok' }))).toBe(0);
  });
});
