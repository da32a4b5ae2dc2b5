import { randomBytes } from 'node:crypto';
import { CloudEvent as SdkCloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressPolicy } from '../src/boundary/egress.js';
import { loadConfig } from '../src/config/env.js';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { publishPending, StreamPublisher } from '../src/events/stream-publisher.js';
import { attemptDelivery } from '../src/events/webhooks/delivery.js';
import { webhookEventTypes } from '../src/events/webhooks/filter.js';
import { newWebhookSecret } from '../src/events/webhooks/signature.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { createRun, recordRunError } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import { makeTestConnector } from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, TestSource } from './support/test-source.js';
import { addTestConnection, loadProvinceReference, testSecretEnv } from './support/warehouse-fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Every event type the pipeline emits, produced by its own code paths (syncs, a revision, a removal, a failed run),
 * published by the relay to a Redis Stream as in production, and validated by the CloudEvents SDK in strict mode.
 */
describe('CloudEvents: every event type the project emits is valid', () => {
  let t: TestDatabase;
  let source: TestSource;
  let redis: Redis;
  let receiver: WebhookReceiver;
  const streamKey = `lgsp-test:cloudevents:${randomBytes(4).toString('hex')}`;
  const config = loadConfig({});
  const registry = new ConnectorRegistry([makeTestConnector(1)]);
  const deps = () => ({ db: t.db, logger: createLogger('silent'), connectors: registry, boundary: testBoundary(), env: testSecretEnv });
  const sync = async () => {
    const { run } = await createRun(t.db, { connectionId: 'dvc', mode: 'incremental' });
    return executeRun(deps(), run.id, { signal: new AbortController().signal });
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    receiver = await startWebhookReceiver();
    source = new TestSource(generateRows([{ code: '40', months: ['2025-03', '2025-04'] }], 1));
    await addTestConnection(t.db, 'dvc', await source.start());
  });
  afterAll(async () => {
    await source.stop();
    await receiver.close();
    await redis.del(streamKey);
    redis.disconnect();
    await t.drop();
  });

  it('syncs, a revision, a removal and a failed run: each published event passes strict validation, and every catalogued type occurs', async () => {
    expect((await sync()).status).toBe('succeeded');
    // March's only row moves to May and April's is revised: March's observations and values are removed.
    source.revise('40-2025-03-1', { month: '2025-05' });
    source.revise('40-2025-04-1', { dossiers: 500 });
    expect((await sync()).status).toBe('succeeded');
    // Bad credentials: the run fails as the sync job records it.
    await t.db.updateTable('connection').set({ config: JSON.stringify({ baseUrl: 'http://127.0.0.1:9/', clientId: 'wrong' }) }).where('id', '=', 'dvc').execute();
    const { run } = await createRun(t.db, { connectionId: 'dvc', mode: 'incremental' });
    const failure = await executeRun(deps(), run.id, { signal: new AbortController().signal }).then(() => null, (error: unknown) => error);
    expect(failure).not.toBeNull();
    await recordRunError(t.db, run.id, failure, true);

    const publisher = new StreamPublisher(t.db, redis, { key: streamKey, maxLength: 100_000 });
    const publishAll = () => publishPending(t.db, publisher, { source: config.events.source, eventsPerRound: 1000 }, () => undefined);
    await publishAll();
    const beforeLoss = await redis.xrange(streamKey, '-', '+');
    // Redis lost the stream after the outbox had pruned what it published: the relay says so with a stream.reset event.
    await redis.del(streamKey);
    await sql`delete from outbox_event where published_at is not null`.execute(t.db);
    await publishAll();
    const entries = [...beforeLoss, ...(await redis.xrange(streamKey, '-', '+'))];
    const published = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1] ?? 'null') as Record<string, unknown>);
    expect(published.length).toBeGreaterThan(10);

    const types = new Set<string>();
    for (const json of published) {
      const event = new SdkCloudEvent(json, true);
      expect(event.validate()).toBe(true);
      // Nothing the SDK would add or drop: the event is exactly the specification's attributes and ours.
      expect(JSON.parse(JSON.stringify(event))).toEqual(json);
      types.add(event.type);
    }
    expect([...types].sort()).toEqual([...webhookEventTypes].sort());
    // Strict mode is on: a time that is not RFC 3339 is refused.
    expect(() => new SdkCloudEvent({ ...published[0], time: 'yesterday' }, true)).toThrow('invalid payload');
  });

  it('a webhook delivery is a structured-mode CloudEvents HTTP message', async () => {
    const [, fields] = (await redis.xrange(streamKey, '-', '+', 'COUNT', 1))[0] ?? [];
    const body = fields?.[fields.indexOf('event') + 1] ?? '';
    const secret = newWebhookSecret();
    receiver.secret = secret;
    const result = await attemptDelivery({ id: 'wh_cloudevents', url: receiver.url, secret }, { eventId: 'ce-1', body }, { timeoutMs: 5_000, egress: egressPolicy(testBoundary()) });
    expect(result.ok).toBe(true);
    const delivery = receiver.received.at(-1);
    if (!delivery) throw new Error('nothing received');
    const message = { headers: { 'content-type': delivery.contentType }, body: delivery.body };
    expect(HTTP.isEvent(message)).toBe(true);
    const event = HTTP.toEvent(message);
    if (!(event instanceof SdkCloudEvent)) throw new Error('a batch where one event was sent');
    expect(event.validate()).toBe(true);
    expect(event.toJSON()).toEqual(JSON.parse(body));
  });
});
