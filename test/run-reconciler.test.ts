import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { cancelActiveRun } from '../src/operations/cancel-run.js';
import { reconcileRuns } from '../src/queue/lost-runs.js';
import { createSyncQueue, requestSync, syncJobId, syncQueueName, type SyncJobData, type SyncQueue } from '../src/queue/sync-queue.js';
import { createRun, getRun } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import { makeTestConnector } from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, indicatorValueChecksum, loadProvinceReference, observationChecksum, tableCount, testSecretEnv } from './support/warehouse-fixtures.js';
import { startSyncWorker, waitFor, type WorkerProcess } from './support/worker-process.js';
import { runEnded } from './support/run-ended.js';

// Queue keys of its own, so this file's jobs meet no other test's workers.
const queueConnection = { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `lgsp-reconcile-test-${process.pid}` };
const months = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const rows = () => generateRows(['01', '40', '79', '92', '48'].map((code) => ({ code, months })), 4); // 240 rows, ~10 pages of 25
const silent = createLogger('silent');

describe('the reconciler: PostgreSQL is the truth about runs', () => {
  let reference: TestDatabase;
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let queue: SyncQueue;
  const workers: WorkerProcess[] = [];
  const env = () => ({ DATABASE_URL: t.url, REDIS_URL: queueConnection.redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv });
  const finished = (runId: number) => runEnded(t.db, runId);

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

  it('a run whose job Redis lost is requeued when a worker starts and ends with the warehouse of an undisturbed run', async () => {
    await addTestConnection(reference.db, 'dvc', baseUrl);
    const { run: refRun } = await createRun(reference.db, { connectionId: 'dvc', mode: 'incremental' });
    await executeRun({ db: reference.db, logger: silent, connectors: new ConnectorRegistry([makeTestConnector(1)]), boundary: testBoundary(), env: testSecretEnv }, refRun.id, { signal: new AbortController().signal });

    await addTestConnection(t.db, 'dvc', baseUrl);
    source.faults = { everyRequestDelayMs: 200 };
    const first = await startSyncWorker(env());
    workers.push(first);
    const { run } = await requestSync(t.db, queue, { connectionId: 'dvc', mode: 'incremental' });
    await waitFor('a few pages committed', async () => ((await getRun(t.db, run.id))?.records_fetched ?? 0) >= 50);
    first.child.kill('SIGKILL');
    await first.exited;
    // Redis restarted without persistence: every key of the queue is gone, the run row still says running.
    await queue.obliterate({ force: true });
    expect(await queue.getJobState(syncJobId(run))).toBe('unknown');
    expect((await getRun(t.db, run.id))?.status).toBe('running');

    source.faults = {};
    const second = await startSyncWorker(env());
    workers.push(second);
    const done = await finished(run.id);
    expect(done.status).toBe('succeeded');
    expect(second.output()).toMatch(/requeued a run whose job was lost/);
    expect(await observationChecksum(t.db)).toEqual(await observationChecksum(reference.db));
    expect(await indicatorValueChecksum(t.db)).toEqual(await indicatorValueChecksum(reference.db));
    expect(await tableCount(t.db, 'raw_record')).toBe(240); // nothing landed twice across the two processes
    expect(done.observations_inserted).toBe((await getRun(reference.db, refRun.id))?.observations_inserted);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 180_000);

  it('a running worker requeues a lost run at its next periodic pass', async () => {
    await addTestConnection(t.db, 'dvc-periodic', baseUrl);
    const w = await startSyncWorker({ ...env(), LGSP_RECONCILE_INTERVAL_MS: '300' });
    workers.push(w);
    // A run whose job never reached Redis (or was flushed after the worker started).
    const { run } = await createRun(t.db, { connectionId: 'dvc-periodic', mode: 'incremental' });
    const done = await finished(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.job_id).toBe(syncJobId(run));
    expect(done.records_fetched).toBe(240);
    w.child.kill('SIGTERM');
    await w.exited;
  }, 180_000);

  it('reconcilers in several processes at once queue a lost run once', async () => {
    await addTestConnection(t.db, 'dvc-race', baseUrl);
    const { run } = await createRun(t.db, { connectionId: 'dvc-race', mode: 'incremental' });
    const queues = Array.from({ length: 4 }, () => createSyncQueue(queueConnection));
    try {
      const reports = (await Promise.all(queues.map((q) => reconcileRuns(t.db, q, silent)))).flat().filter((r) => r.runId === run.id);
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.every((r) => r.lost === 'missing')).toBe(true);
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
      expect(jobs.filter((j) => j.data.runId === run.id).map((j) => j.id)).toEqual([syncJobId(run)]);
      // With the job alive, another pass changes nothing.
      expect((await reconcileRuns(t.db, queue, silent)).filter((r) => r.runId === run.id)).toEqual([]);
      // Cancelling the queued run takes its job off the queue.
      expect((await cancelActiveRun(t.db, queue, run.id)).jobRemoved).toBe(true);
      expect(await queue.getJobState(syncJobId(run))).toBe('unknown');
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  });

  it('a run whose job failed while its row says running is requeued under the same id', async () => {
    await addTestConnection(t.db, 'dvc-ended', baseUrl);
    const { run } = await requestSync(t.db, queue, { connectionId: 'dvc-ended', mode: 'incremental' });
    // A worker whose job failed without the run row hearing of it (PostgreSQL was away when it tried to record it).
    const failing = new Worker<SyncJobData>(syncQueueName, () => Promise.reject(new UnrecoverableError('PostgreSQL unreachable')), {
      connection: { url: queueConnection.redisUrl, maxRetriesPerRequest: null }, prefix: queueConnection.prefix,
    });
    try {
      await waitFor('the job to fail', async () => (await queue.getJobState(syncJobId(run))) === 'failed');
    } finally {
      await failing.close();
    }
    expect((await getRun(t.db, run.id))?.status).toBe('queued');
    expect((await reconcileRuns(t.db, queue, silent)).filter((r) => r.runId === run.id)).toMatchObject([{ lost: 'failed', jobId: syncJobId(run) }]);
    expect(await queue.getJobState(syncJobId(run))).toBe('waiting');
    const w = await startSyncWorker(env());
    workers.push(w);
    expect((await finished(run.id)).status).toBe('succeeded');
    w.child.kill('SIGTERM');
    await w.exited;
  }, 180_000);
});
