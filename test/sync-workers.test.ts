import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { reconcileSchedules } from '../src/queue/schedules.js';
import { createSyncQueue, requestSync, syncJobId, type SyncQueue } from '../src/queue/sync-queue.js';
import { createRun, getRun } from '../src/warehouse/sync-runs.js';
import { makeTestConnector } from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, indicatorValueChecksum, loadProvinceReference, observationChecksum, tableCount, testSecretEnv } from './support/warehouse-fixtures.js';
import { startSyncWorker, waitFor, type WorkerProcess } from './support/worker-process.js';
import { readOutboxEvents } from '../src/events/outbox-events.js';
import { testBoundary } from './support/boundary.js';
import { testRedisUrl } from './support/redis-url.js';

// Queue keys of its own, so this file's jobs meet no other test's workers.
const queueConnection = { redisUrl: testRedisUrl, prefix: `lgsp-test-${process.pid}` };
const redisUrl = queueConnection.redisUrl;
const months = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const rows = () => generateRows(['01', '40', '79', '92', '48'].map((code) => ({ code, months })), 4); // 240 rows, ~10 pages of 25

// Each test starts worker processes: slow to start on a loaded machine.
describe('sync workers: crash recovery and sharing a queue', { timeout: 300_000 }, () => {
  let reference: TestDatabase;
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let queue: SyncQueue;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    source = new TestSource(rows());
    baseUrl = await source.start();
    [reference, t] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    await Promise.all([loadProvinceReference(reference.db), loadProvinceReference(t.db)]);
    queue = createSyncQueue(queueConnection);
    await queue.obliterate({ force: true });
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
    await source.stop();
    await Promise.all([reference.drop(), t.drop()]);
  });

  it('a worker killed with SIGKILL mid-sync, then restarted, ends with the warehouse of an uninterrupted run', async () => {
    // The uninterrupted run, in-process, into a database of its own.
    await addTestConnection(reference.db, 'dvc', baseUrl);
    const { run: refRun } = await createRun(reference.db, { connectionId: 'dvc', mode: 'incremental' });
    await executeRun({ db: reference.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([makeTestConnector(1)]), boundary: testBoundary(), env: testSecretEnv }, refRun.id, { signal: new AbortController().signal });
    const expected = await observationChecksum(reference.db);
    const expectedValues = await indicatorValueChecksum(reference.db);
    expect(expected.count).toBe(2 * 5 * 12);
    expect(expectedValues.count).toBeGreaterThan(expected.count);

    await addTestConnection(t.db, 'dvc', baseUrl);
    source.faults = { everyRequestDelayMs: 250 };
    const env = { DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv };
    const first = await startSyncWorker(env);
    workers.push(first);
    const { run } = await requestSync(t.db, queue, { connectionId: 'dvc', mode: 'incremental' });
    await waitFor('a few pages committed', async () => ((await getRun(t.db, run.id))?.records_fetched ?? 0) >= 75);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const cut = await getRun(t.db, run.id);
    expect(cut?.status).toBe('running');
    expect(cut?.records_fetched).toBeLessThan(240);

    const second = await startSyncWorker(env);
    workers.push(second);
    const done = await waitFor('the run to finish', async () => {
      const r = await getRun(t.db, run.id);
      return r?.status === 'succeeded' || r?.status === 'failed' ? r : undefined;
    });
    source.faults = {};
    expect(done.status).toBe('succeeded');
    expect(await observationChecksum(t.db)).toEqual(expected);
    expect(await indicatorValueChecksum(t.db)).toEqual(expectedValues);
    // Nothing doubled: every row landed once, every observation inserted once, one event each.
    expect(done.records_fetched).toBeGreaterThanOrEqual(240);
    expect(await tableCount(t.db, 'raw_record')).toBe(240);
    expect(done.observations_inserted).toBe(120);
    const events = (await readOutboxEvents(t.db, undefined, 100_000)).filter((e) => e.type === 'vn.lgsp.observation.changed.v1');
    expect(events).toHaveLength(done.events_written);
    expect(done.events_written).toBe(done.observations_inserted + done.observations_updated);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('SIGTERM stops taking jobs, commits the current page and exits; the run resumes in another worker', async () => {
    await addTestConnection(t.db, 'dvc-term', baseUrl);
    source.faults = { everyRequestDelayMs: 250 };
    const env = { DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv };
    const w = await startSyncWorker(env);
    workers.push(w);
    const { run } = await requestSync(t.db, queue, { connectionId: 'dvc-term', mode: 'incremental' });
    await waitFor('a page committed', async () => ((await getRun(t.db, run.id))?.records_fetched ?? 0) >= 25);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/stopping: finishing the current page/);
    const paused = await getRun(t.db, run.id);
    expect(paused?.status).toBe('running');
    const next = await startSyncWorker(env);
    workers.push(next);
    const done = await waitFor('the run to finish', async () => {
      const r = await getRun(t.db, run.id);
      return r?.status === 'succeeded' ? r : undefined;
    });
    source.faults = {};
    expect(done.records_fetched).toBe(240);
    expect(done.records_landed).toBe(240); // once each, although the run spanned two processes
    next.child.kill('SIGTERM');
    await next.exited;
  });

  it('bad credentials fail the job at once: one attempt, the run failed with the reason, no retries', async () => {
    await addTestConnection(t.db, 'dvc-bad', baseUrl, { clientId: 'not-the-client' });
    const w = await startSyncWorker({ DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv });
    workers.push(w);
    const tokenRequests = source.stats.tokenRequests;
    const { run } = await requestSync(t.db, queue, { connectionId: 'dvc-bad', mode: 'incremental' });
    const failed = await waitFor('the run to fail', async () => {
      const r = await getRun(t.db, run.id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(failed.error).toMatchObject({ code: 'SOURCE_AUTH_FAILED', permanent: true });
    expect((failed.error as { message: string }).message).toMatch(/Check the client id \("not-the-client"\) and the client secret/);
    const job = await queue.getJob(syncJobId(run));
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
    expect(source.stats.tokenRequests - tokenRequests).toBe(1);
    w.child.kill('SIGTERM');
    await w.exited;
  });

  it('a connection\'s schedule becomes a BullMQ job scheduler whose jobs run as scheduled incremental syncs', async () => {
    await addTestConnection(t.db, 'dvc-scheduled', baseUrl);
    await t.db.updateTable('connection').set({ schedule: JSON.stringify({ everyMinutes: 60 }) }).where('id', '=', 'dvc-scheduled').execute();
    const report = await reconcileSchedules(t.db, queue);
    expect(report.upserted).toContain('dvc-scheduled');
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain('schedule:dvc-scheduled');
    const w = await startSyncWorker({ DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv });
    workers.push(w);
    // BullMQ produces an "every" scheduler's first job at once.
    const run = await waitFor('the scheduled run to finish', async () => {
      const r = await t.db.selectFrom('sync_run').selectAll().where('connection_id', '=', 'dvc-scheduled').where('status', '=', 'succeeded').executeTakeFirst();
      return r ?? undefined;
    });
    expect(run.params).toEqual({ scheduled: true });
    expect(run.records_fetched).toBe(240);
    await t.db.updateTable('connection').set({ paused: true }).where('id', '=', 'dvc-scheduled').execute();
    expect((await reconcileSchedules(t.db, queue)).removed).toEqual(['dvc-scheduled']);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toContain('schedule:dvc-scheduled');
    w.child.kill('SIGTERM');
    await w.exited;
  });

  it('two worker processes share a queue of many syncs without running one connection twice', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `share-${x}`);
    for (const id of ids) await addTestConnection(t.db, id, baseUrl);
    source.faults = { everyRequestDelayMs: 20 };
    const env = { DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, LGSP_SYNC_CONCURRENCY: '2', ...testSecretEnv };
    const pair = await Promise.all([startSyncWorker(env), startSyncWorker(env)]);
    workers.push(...pair);
    const requested = [];
    for (const id of ids) {
      requested.push(await requestSync(t.db, queue, { connectionId: id, mode: 'incremental' }));
      // A second request while the first is queued or running joins it.
      const again = await requestSync(t.db, queue, { connectionId: id, mode: 'incremental' });
      expect(again.joined).toBe(true);
      expect(again.run.id).toBe(requested[requested.length - 1]?.run.id);
    }
    const finished = await waitFor('all runs to finish', async () => {
      const runs = await t.db.selectFrom('sync_run').selectAll().where('connection_id', 'in', ids).execute();
      return runs.length === ids.length && runs.every((r) => r.status === 'succeeded') ? runs : undefined;
    }, 120_000);
    source.faults = {};
    // Each connection ran exactly once, and each run saw every row once (a run executed twice would count double).
    expect(finished.map((r) => r.records_fetched)).toEqual(ids.map(() => 240));
    const perConnection = await sql<{ connection_id: string; n: number }>`
      select connection_id, count(*)::int as n from raw_record where connection_id like 'share-%' group by connection_id order by 1`.execute(t.db);
    expect(perConnection.rows.map((r) => r.n)).toEqual(ids.map(() => 240));
    // Between them the two processes finished each run once (which of them took what is up to the queue).
    const finishedLines = () => pair.reduce((n, w) => n + (w.output().match(/sync finished/g) ?? []).length, 0);
    await waitFor('every run logged as finished', () => Promise.resolve(finishedLines() >= ids.length), 10_000); // log lines trail the run rows
    expect(finishedLines()).toBe(ids.length);
    for (const w of pair) w.child.kill('SIGTERM');
    await Promise.all(pair.map((w) => w.exited));
  });
});
