import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncQueue, syncJobId, type SyncQueue } from '../src/queue/sync-queue.js';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import type { WorkerHeartbeat } from '../src/queue/worker-heartbeats.js';
import { createRun, getRun } from '../src/warehouse/sync-runs.js';
import { cliQueue, startInProcessWorker } from './support/cli-queue.js';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, loadProvinceReference, testSecretEnv } from './support/warehouse-fixtures.js';
import { waitFor } from './support/worker-process.js';
import { runEnded } from './support/run-ended.js';

// Queue keys of this file's own (the CLI tests' Redis database, another prefix).
const queueConnection = { redisUrl: cliQueue.redisUrl, prefix: `lgsp-cli-recovery-${process.pid}` };
const months = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const rows = generateRows(['01', '40', '79', '92', '48'].map((code) => ({ code, months })), 4); // 240 rows, ~10 pages of 25

describe('lgsp sync requeues a lost run; lgsp runs cancel; lgsp workers', () => {
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let queue: SyncQueue;
  let worker: SyncWorker | undefined;
  let env: Record<string, string>;
  const lgsp = (...args: string[]) => runCli(args, env);
  const ended = (runId: number) => runEnded(t.db, runId);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    source = new TestSource(rows);
    baseUrl = await source.start();
    queue = createSyncQueue(queueConnection);
    await queue.obliterate({ force: true });
    env = { DATABASE_URL: t.url, REDIS_URL: queueConnection.redisUrl, LGSP_QUEUE_PREFIX: queueConnection.prefix, LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', ...testSecretEnv };
  });
  afterAll(async () => {
    await worker?.shutdown();
    await queue.obliterate({ force: true });
    await queue.close();
    await source.stop();
    await t.drop();
  });

  it('lgsp sync on a connection whose active run lost its job queues that run again instead of joining a dead run', async () => {
    await addTestConnection(t.db, 'lost', baseUrl);
    // A run whose job Redis lost (restarted without persistence): the row says queued, the queue knows nothing.
    const { run } = await createRun(t.db, { connectionId: 'lost', mode: 'incremental' });
    const res = await lgsp('sync', 'lost', '--json');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`run ${run.id}'s job was lost from Redis: queued it again`));
    expect(JSON.parse(res.stdout)).toMatchObject({ joined: true, run: { id: run.id } });
    expect(await queue.getJobState(syncJobId(run))).toBe('waiting');
    worker = startInProcessWorker(t.db, queueConnection);
    const done = await ended(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.records_fetched).toBe(240);
    await worker.shutdown();
    worker = undefined;
  }, 180_000);

  it('lgsp workers shows a running worker and its run; lgsp runs cancel stops the run between pages and frees the connection', async () => {
    expect((await lgsp('workers')).stdout).toMatch(/no live sync worker/);
    // The client waits as long as the source holds a page (no timeout, no retry while the test looks at the run).
    await addTestConnection(t.db, 'slow', baseUrl, { timeoutMs: 600_000 });
    source.faults = { everyRequestDelayMs: 100 };
    worker = startInProcessWorker(t.db, queueConnection);
    const started = await lgsp('sync', 'slow', '--json');
    const runId = (JSON.parse(started.stdout) as { run: { id: number } }).run.id;
    await waitFor('a couple of pages committed', async () => ((await getRun(t.db, runId))?.records_fetched ?? 0) >= 50);
    // The source stalls: the worker is mid-page until the test lets the page through, after cancelling.
    let release: () => void = () => undefined;
    source.faults = { heldUntil: new Promise<void>((resolve) => { release = resolve; }) };

    const listed = await lgsp('workers', '--json');
    const workers = JSON.parse(listed.stdout) as WorkerHeartbeat[];
    expect(workers).toMatchObject([{ id: worker.workerId, pid: process.pid, runs: [runId] }]);
    const table = await lgsp('workers');
    expect(table.stdout).toContain(worker.workerId);
    expect(table.stdout).toMatch(new RegExp(`\\b${runId}\\b`));

    const cancelled = await lgsp('runs', 'cancel', String(runId));
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`cancelled run ${runId} of connection slow: a worker executing it stops at its next page`));
    const fetchedWhenCancelled = (await getRun(t.db, runId))?.records_fetched;
    release();
    // The worker stops at its next page: its job ends, and what the run landed is what its committed pages counted.
    await waitFor('the worker to let go of the run', async () => (await queue.getJobState((await getRun(t.db, runId))?.job_id ?? '')) === 'completed');
    const run = await getRun(t.db, runId);
    expect(run).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    // The page held while the run was cancelled rolled back whole: nothing of it counted or landed.
    expect(run?.records_fetched).toBe(fetchedWhenCancelled);
    const landed = await sql<{ n: number }>`select count(*)::int as n from raw_record where sync_run_id = ${runId}`.execute(t.db);
    expect(landed.rows[0]?.n).toBe(run?.records_landed);

    const again = await lgsp('runs', 'cancel', String(runId));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/RUN_NOT_ACTIVE/);
    expect(again.stderr).toMatch(/lgsp sync slow/);

    // The connection is free: a new sync is a new run, which finishes what the cancelled one left.
    source.faults = {};
    const next = await lgsp('sync', 'slow', '--json');
    expect(JSON.parse(next.stdout)).toMatchObject({ joined: false });
    const nextId = (JSON.parse(next.stdout) as { run: { id: number } }).run.id;
    expect((await ended(nextId)).status).toBe('succeeded');
    const total = await sql<{ n: number }>`select count(*)::int as n from raw_record where connection_id = 'slow'`.execute(t.db);
    expect(total.rows[0]?.n).toBe(240);
   }, 240_000);
});
