import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { createSyncQueue, requestSync, type SyncQueue } from '../src/queue/sync-queue.js';
import type { Db } from '../src/warehouse/database.js';
import { createRun, getRun, type SyncRun } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './support/private-services.js';
import { createPrivateWarehouse, occurrences, whenReachable } from './support/private-warehouse.js';
import { makeTestConnector } from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, indicatorValueChecksum, loadProvinceReference, observationChecksum, tableCount, testSecretEnv } from './support/warehouse-fixtures.js';
import { startSyncWorker, waitFor, type WorkerProcess } from './support/worker-process.js';

const months = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const rows = () => generateRows(['01', '40', '79', '92', '48'].map((code) => ({ code, months })), 4); // 240 rows, ~10 pages of 25

// Sync workers on a private PostgreSQL and Redis, which these tests stop and start; the shared ones are never touched.
describe('a sync worker rides out PostgreSQL and Redis outages', () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let reference: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let expected: { observations: Awaited<ReturnType<typeof observationChecksum>>; values: Awaited<ReturnType<typeof indicatorValueChecksum>> };
  const workers: WorkerProcess[] = [];
  const queues: SyncQueue[] = [];
  const dbs: Db[] = [];

  /** A warehouse of its own on the private PostgreSQL with one connection, a worker on it, and a run requested. */
  const startSync = async (env: Record<string, string> = {}) => {
    const name = `outage_${randomBytes(4).toString('hex')}`;
    const warehouse = await createPrivateWarehouse(postgres, name);
    dbs.push(warehouse.db);
    await addTestConnection(warehouse.db, 'dvc', baseUrl);
    const queueConnection = { redisUrl: redis.url, prefix: `lgsp-${name}` };
    const queue = createSyncQueue(queueConnection);
    queue.on('error', () => undefined); // the test's own connection sees the Redis outage too
    queues.push(queue);
    const workerEnv = { DATABASE_URL: warehouse.url, REDIS_URL: redis.url, LGSP_QUEUE_PREFIX: queueConnection.prefix, ...testSecretEnv, ...env };
    const worker = await startSyncWorker(workerEnv);
    workers.push(worker);
    const { run } = await requestSync(warehouse.db, queue, { connectionId: 'dvc', mode: 'incremental' });
    const fetched = (n: number) => waitFor(`${n} records fetched`, whenReachable(async () => ((await getRun(warehouse.db, run.id))?.records_fetched ?? 0) >= n));
    const finished = () => waitFor('the run to finish', whenReachable(async () => {
      const r = await getRun(warehouse.db, run.id);
      return r?.status === 'succeeded' || r?.status === 'failed' ? r : undefined;
    }), 120_000);
    return { db: warehouse.db, worker, workerEnv, fetched, finished };
  };
  const expectUndisturbedWarehouse = async (db: Db, done: SyncRun) => {
    expect(done.status).toBe('succeeded');
    expect(await observationChecksum(db)).toEqual(expected.observations);
    expect(await indicatorValueChecksum(db)).toEqual(expected.values);
    expect(await tableCount(db, 'raw_record')).toBe(240);
    expect(done.observations_inserted).toBe(expected.observations.count);
  };
  const logged = (worker: WorkerProcess, text: string) => waitFor(text, () => Promise.resolve(worker.output().includes(text)));

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis({ persistence: 'aof' })]);
    source = new TestSource(rows());
    baseUrl = await source.start();
    // The undisturbed run, in-process, on the shared PostgreSQL.
    reference = await createTestDatabase();
    await loadProvinceReference(reference.db);
    await addTestConnection(reference.db, 'dvc', baseUrl);
    const { run } = await createRun(reference.db, { connectionId: 'dvc', mode: 'incremental' });
    await executeRun({ db: reference.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([makeTestConnector(1)]), boundary: testBoundary(), env: testSecretEnv }, run.id, { signal: new AbortController().signal });
    expected = { observations: await observationChecksum(reference.db), values: await indicatorValueChecksum(reference.db) };
    expect(expected.observations.count).toBe(120);
    // Slow pages: the outages below land mid-sync.
    source.faults = { everyRequestDelayMs: 150 };
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    for (const q of queues) await q.close().catch(() => undefined);
    for (const db of dbs) await db.destroy().catch(() => undefined);
    await source.stop();
    await reference.drop();
    postgres.destroy();
    await redis.destroy();
  });

  it('PostgreSQL restarting (fast) mid-sync: the worker stays up, logs the outage and the recovery once, and the run completes as undisturbed', async () => {
    const sync = await startSync();
    await sync.fetched(50);
    postgres.stop('fast');
    // Held down until the worker has seen it, so the outage surely cuts the run.
    await logged(sync.worker, 'PostgreSQL is unreachable');
    await postgres.start();
    const done = await sync.finished();
    await logged(sync.worker, 'PostgreSQL is back after');
    expect(sync.worker.child.exitCode).toBeNull();
    await expectUndisturbedWarehouse(sync.db, done);
    expect(occurrences(sync.worker.output(), 'PostgreSQL is unreachable')).toBe(1);
    expect(occurrences(sync.worker.output(), 'PostgreSQL is back after')).toBe(1);
    expect(sync.worker.output()).not.toMatch(/sync failed/);
    sync.worker.child.kill('SIGTERM');
    expect(await sync.worker.exited).toBe(0);
  });

  it('Redis (with AOF) restarting mid-sync: the worker stays up, logs the outage and the recovery once, and the run completes as undisturbed', async () => {
    const sync = await startSync();
    await sync.fetched(50);
    await redis.stop('kill');
    await logged(sync.worker, 'Redis is unreachable');
    await redis.start();
    const done = await sync.finished();
    await logged(sync.worker, 'Redis is back after');
    expect(sync.worker.child.exitCode).toBeNull();
    await expectUndisturbedWarehouse(sync.db, done);
    expect(occurrences(sync.worker.output(), 'Redis is unreachable')).toBe(1);
    expect(occurrences(sync.worker.output(), 'Redis is back after')).toBe(1);
    sync.worker.child.kill('SIGTERM');
    expect(await sync.worker.exited).toBe(0);
  });

  it('LGSP_OUTAGE_GIVE_UP_S: a worker whose PostgreSQL stays down that long exits 69; a restarted worker completes the run', async () => {
    const sync = await startSync({ LGSP_OUTAGE_GIVE_UP_S: '1' });
    await sync.fetched(50);
    postgres.stop('fast');
    try {
      expect(await sync.worker.exited).toBe(69);
      expect(sync.worker.output()).toMatch(/PostgreSQL has been unreachable for 1 s \(LGSP_OUTAGE_GIVE_UP_S\): exiting 69/);
    } finally {
      await postgres.start();
    }
    // What a supervisor does: start it again. The run resumes from its last committed page.
    const restarted = await startSyncWorker(sync.workerEnv);
    workers.push(restarted);
    await expectUndisturbedWarehouse(sync.db, await sync.finished());
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
