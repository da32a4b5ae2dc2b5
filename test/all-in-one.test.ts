import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../src/config/redis-connection.js';
import { createSyncQueue } from '../src/queue/sync-queue.js';
import { createApiKey } from '../src/warehouse/api-keys.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, loadProvinceReference, tableCount, testSecretEnv } from './support/warehouse-fixtures.js';
import { startWorker, waitFor, type WorkerProcess } from './support/worker-process.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Queue and stream keys of its own, so this file meets no other test's workers or events.
const suffix = `${String(process.pid)}-${randomBytes(3).toString('hex')}`;
const prefix = `lgsp-all-${suffix}`;
const stream = `lgsp:events:all-${suffix}`;

describe('lgsp serve --all: every role in one process', () => {
  let t: TestDatabase;
  let source: TestSource;
  let all: WorkerProcess | undefined;
  const redis = createRedis(redisUrl);

  beforeAll(async () => {
    source = new TestSource(generateRows([{ code: '01', months: ['2024-01', '2024-02', '2024-03'] }, { code: '40', months: ['2024-01'] }], 2));
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    await addTestConnection(t.db, 'dvc', await source.start());
  });
  afterAll(async () => {
    all?.child.kill('SIGKILL');
    const queue = createSyncQueue({ redisUrl, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.del(stream);
    redis.disconnect();
    await source.stop();
    await t.drop();
  });

  it('answers /health, runs a sync asked through the API, publishes its events, and exits 0 on SIGTERM', async () => {
    const env = { DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_QUEUE_PREFIX: prefix, LGSP_EVENTS_STREAM: stream, LGSP_API_PORT: '0', ...testSecretEnv };
    const started = await startWorker(['src/cli/main.ts', 'serve', '--all'], 'API listening on', env);
    all = started;
    const url = /API listening on (http:\/\/\S+)/.exec(started.output())?.[1];
    expect(url).toBeDefined();
    /** GET, or POST when a body is given. */
    const api = (path: string, body?: string) => fetch(`${String(url)}${path}`, {
      ...(body === undefined ? {} : { method: 'POST', body }), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    const { key } = await createApiKey(t.db, 'all-in-one test', ['read', 'operate']);

    const health = await fetch(`${String(url)}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', postgres: true, redis: true });

    const asked = await api('/v1/connections/dvc/syncs', '{}');
    expect(asked.status).toBe(202);
    const { run, workers } = (await asked.json()) as { run: { id: number }; workers: number };
    expect(workers).toBe(1);
    const done = await waitFor('the run to end', async () => {
      const r = (await (await api(`/v1/runs/${String(run.id)}`)).json()) as { status: string };
      return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
    });
    expect(done.status).toBe('succeeded');
    expect(await tableCount(t.db, 'observation')).toBe(2 * 4);
    // The relay role published every committed event to this file's stream.
    const events = await tableCount(t.db, 'outbox_event');
    expect(events).toBeGreaterThan(0);
    await waitFor('the outbox to be published', async () => (await t.db.selectFrom('outbox_event').select('published_at').where('published_at', 'is', null).execute()).length === 0);
    expect(await redis.xlen(stream)).toBeGreaterThanOrEqual(events);
    for (const role of ['outbox-relay', 'webhook-dispatcher', 'sync-worker', 'scheduler']) expect(started.output()).toContain(`"role":"${role}"`);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.output()).toContain('"msg":"stopped"');
  });
});
