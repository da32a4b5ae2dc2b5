import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncQueue, requestSync, syncJobId, type SyncQueue } from '../src/queue/sync-queue.js';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import { startInProcessWorker } from './support/cli-queue.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, loadProvinceReference, tableCount } from './support/warehouse-fixtures.js';
import { runEnded } from './support/run-ended.js';

// Short backoff configured for the test: the policy's shape, not its minutes. Jobs take the options of the queue
// they are added to (the CLI's, the API's, the scheduler's), so that queue carries the policy.
const queueConnection = {
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `lgsp-retry-test-${process.pid}`, retry: { attempts: 3, backoffMs: 100 },
};
const rows = generateRows([{ code: '40', months: ['2024-01', '2024-02', '2024-03'] }], 4); // 12 rows

/** Row requests one sync attempt makes before it gives up: the test connector's HTTP client tries 7 times. */
const requestsPerAttempt = 7;

describe('a source down for a while is ridden out by the job\'s own backoff', () => {
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let queue: SyncQueue;
  let worker: SyncWorker;
  const ended = (runId: number) => runEnded(t.db, runId);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    source = new TestSource(rows);
    baseUrl = await source.start();
    queue = createSyncQueue(queueConnection);
    await queue.obliterate({ force: true });
    worker = startInProcessWorker(t.db, queueConnection);
  });
  afterAll(async () => {
    await worker.shutdown();
    await queue.obliterate({ force: true });
    await queue.close();
    await source.stop();
    await t.drop();
  });

  it('HTTP 500 through a whole attempt and part of the next: the run succeeds on a later attempt', async () => {
    await addTestConnection(t.db, 'flaky', baseUrl);
    source.faults = { internalError: requestsPerAttempt + 3 };
    const { run } = await requestSync(t.db, queue, { connectionId: 'flaky', mode: 'incremental' });
    const done = await ended(run.id);
    expect(done).toMatchObject({ status: 'succeeded', error: null, records_fetched: 12 });
    expect(source.faults.internalError).toBe(0); // the source's outage was used up, so the run outlived it
    expect((await queue.getJob(syncJobId(run)))?.attemptsStarted).toBe(2);
  });

  it('a source down longer than the policy fails the run for good, saying so and what to do; a new sync then resumes', async () => {
    await addTestConnection(t.db, 'down', baseUrl);
    source.faults = { internalError: 1_000_000 };
    const { run } = await requestSync(t.db, queue, { connectionId: 'down', mode: 'incremental' });
    const failed = await ended(run.id);
    expect(failed.status).toBe('failed');
    const error = failed.error as { code: string; message: string; permanent: boolean };
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('The sync gave up after 3 attempts and is not retried any more: run `lgsp sync down` once the source is back; it resumes from its cursor.');
    expect(error.message).not.toMatch(/retried later/);
    expect((await queue.getJob(syncJobId(run)))?.attemptsStarted).toBe(3);

    source.faults = {};
    const again = await requestSync(t.db, queue, { connectionId: 'down', mode: 'incremental' });
    expect(again.joined).toBe(false);
    expect((await ended(again.run.id)).status).toBe('succeeded');
    expect(await tableCount(t.db, 'raw_record')).toBe(2 * rows.length); // each connection's rows, once
  });
});
