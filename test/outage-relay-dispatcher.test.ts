import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../src/events/cloud-event.js';
import { readOutboxEvents } from '../src/events/outbox-events.js';
import { createWebhookSubscription } from '../src/events/webhooks/subscriptions.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { insertConnection } from '../src/warehouse/connections.js';
import type { Db } from '../src/warehouse/database.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-services.js';
import { createPrivateWarehouse, occurrences } from './support/private-warehouse.js';
import { testRedisUrl } from './support/test-api.js';
import { writeDossierPage } from './support/warehouse-fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { startWorker, waitFor, type WorkerProcess } from './support/worker-process.js';

// The relay and the webhook dispatcher on a private PostgreSQL that this test restarts; the stream and consumer
// groups are keys of their own on the shared Redis (untouched).
describe('the outbox relay and the webhook dispatcher ride out a PostgreSQL restart', () => {
  let postgres: PrivatePostgres;
  let db: Db;
  let url: string;
  let redis: Redis;
  let receiver: WebhookReceiver;
  let runId: number;
  let unitIds: number[];
  const stream = { key: `lgsp-test:events:${randomBytes(4).toString('hex')}`, groupPrefix: `lgsp-test-${randomBytes(4).toString('hex')}` };
  const processes: WorkerProcess[] = [];

  const streamedIds = async () => (await redis.xrange(stream.key, '-', '+')).map(([, fields]) => (JSON.parse(fields[fields.indexOf('event') + 1] ?? '{}') as CloudEvent).id);
  const outboxIds = async () => (await readOutboxEvents(db, undefined, 10_000)).map((e) => e.id);
  const logged = (worker: WorkerProcess, text: string, times = 1) => waitFor(`${text} (${times}x)`, () => Promise.resolve(occurrences(worker.output(), text) >= times));

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    ({ db, url } = await createPrivateWarehouse(postgres, 'relay_outage'));
    redis = new Redis(testRedisUrl);
    receiver = await startWebhookReceiver();
    await insertConnection(db, { id: 'src', connectorId: 'test-dossiers', name: 'source', config: {}, secretRefs: {} });
    runId = (await createRun(db, { connectionId: 'src', mode: 'incremental' })).run.id;
    unitIds = (await sql<{ id: number }>`select id from admin_unit where level = 'province' and valid_to is null and code in ('40', '91', '01') order by code`.execute(db)).rows.map((r) => r.id);
    await ensurePeriods(db, [parsePeriod('2025-08')]);
  }, 120_000);
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await receiver.close();
    const keys = await redis.keys(`${stream.groupPrefix}*`);
    await redis.del(stream.key, ...keys);
    redis.disconnect();
    await db.destroy();
    postgres.destroy();
  });

  it('both stay up, log the outage and the recovery once, take their locks again, and deliver what is committed after the restart', async () => {
    // Polls of a minute: what arrives after the restart was woken by NOTIFY on a connection that LISTENs again.
    const env = { DATABASE_URL: url, REDIS_URL: testRedisUrl, LGSP_EVENTS_STREAM: stream.key, LGSP_QUEUE_PREFIX: stream.groupPrefix, LGSP_OUTBOX_POLL_MS: '60000', LGSP_WEBHOOK_RELOAD_MS: '60000' };
    const relay = await startWorker('workers/outbox-relay.ts', '"started"', env);
    const dispatcher = await startWorker('workers/webhook-dispatcher.ts', '"started"', env);
    processes.push(relay, dispatcher);
    await logged(relay, 'holding the relay lock');
    await logged(dispatcher, 'holding the webhook dispatcher lock');
    const subscription = await createWebhookSubscription(db, redis, stream, { url: receiver.url });
    receiver.secret = subscription.secret;
    await logged(dispatcher, 'serving webhook subscription');

    await writeDossierPage(db, runId, unitIds, [10, 20, 30]);
    await waitFor('the first events delivered', () => Promise.resolve(receiver.acceptedIds().length >= 3));

    await postgres.restart('fast');
    for (const p of [relay, dispatcher]) {
      await logged(p, 'PostgreSQL is unreachable');
      await logged(p, 'PostgreSQL is back after');
    }
    await logged(relay, 'holding the relay lock', 2);
    await logged(dispatcher, 'holding the webhook dispatcher lock', 2);

    await writeDossierPage(db, runId, unitIds, [11, 21, 31]);
    const committed = await outboxIds();
    expect(committed).toHaveLength(6);
    await waitFor('every event in the stream', async () => {
      const ids = await streamedIds();
      return committed.every((id) => ids.includes(id));
    }, 30_000);
    await waitFor('every event delivered', () => Promise.resolve(committed.every((id) => receiver.acceptedIds().includes(id))), 30_000);
    expect(new Set(await streamedIds())).toEqual(new Set(committed));

    for (const p of [relay, dispatcher]) {
      expect(p.child.exitCode).toBeNull();
      expect(occurrences(p.output(), 'PostgreSQL is unreachable')).toBe(1);
      expect(occurrences(p.output(), 'PostgreSQL is back after')).toBe(1);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
  });
});
