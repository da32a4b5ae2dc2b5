import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressPolicy } from '../src/boundary/egress.js';
import { loadConfig } from '../src/config/env.js';
import { observationChangedEvent, streamResetEvent } from '../src/events/outbox-events.js';
import { watchDependencies } from '../src/process/dependency-watch.js';
import { startOutboxRelay } from '../src/events/run-relay.js';
import { matchesFilter as matchesSseFilter, parseStreamEntry } from '../src/events/stream-events.js';
import { readStreamMarker } from '../src/events/stream-marker.js';
import { WebhookDispatcher } from '../src/events/webhooks/dispatcher.js';
import { matchesFilter } from '../src/events/webhooks/filter.js';
import { webhookGroupIds } from '../src/events/webhooks/stream-groups.js';
import { createWebhookSubscription } from '../src/events/webhooks/subscriptions.js';
import { createLogger } from '../src/logger.js';
import { testBoundary } from './support/boundary.js';
import { startPrivateRedis } from './support/private-services.js';
import { openSse } from './support/sse-client.js';
import { startStreamLossFixture, type StreamLossFixture } from './support/stream-loss-fixture.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';
import { waitFor } from './support/worker-process.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface GapData { after: string; firstAvailable: string | null; reason: string; detail: string }

describe('subscribers across a stream loss', () => {
  let redis: Redis;
  let f: StreamLossFixture;
  let api: TestApi;
  let baseUrl: string;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    f = await startStreamLossFixture(redis);
    api = await startTestApi({ LGSP_EVENTS_STREAM: f.stream }, { database: f.t });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await api.close();
    await f.drop();
    redis.disconnect();
  });

  const resume = (lastEventId: string) => openSse(`${baseUrl}/v1/events/stream`, { authorization: `Bearer ${api.keys.read}`, 'last-event-id': lastEventId });

  it('an SSE client resuming with a Last-Event-ID of the lost stream gets the gap message, then the events again; one of the new stream does not', async () => {
    await f.page([10, 20, 30]);
    await f.page([11, 21, 31]);
    expect(await f.publish()).toBe(6);
    const before = await f.streamed();
    await redis.del(f.stream);

    // Before the relay notices: the stream is gone.
    const early = await resume(before[5]?.entryId ?? '');
    const [earlyGap] = await early.waitForMessages(1, 20_000);
    early.close();
    expect(earlyGap?.event).toBe('vn.lgsp.stream.gap');
    expect(JSON.parse(earlyGap?.data ?? '{}')).toMatchObject({ after: before[5]?.entryId, firstAvailable: null, reason: 'reset' });

    // The relay republished the lost events (new entry ids) and published a new page.
    await f.page([12, 22, 32]);
    expect(await f.publish()).toBe(9);
    const after = await f.streamed();
    const late = await resume(before[2]?.entryId ?? '');
    const [gap, ...rest] = await late.waitForMessages(10, 20_000);
    late.close();
    expect(gap?.event).toBe('vn.lgsp.stream.gap');
    expect(gap?.id).toBeUndefined();
    const told = JSON.parse(gap?.data ?? '{}') as GapData;
    expect(told).toMatchObject({ after: before[2]?.entryId, firstAvailable: after[0]?.entryId, reason: 'reset' });
    expect(told.detail).toContain('GET /v1/observations');
    expect(rest.map((m) => m.id)).toEqual(after.map((e) => e.entryId));

    // A client of the new stream resumes where it was, with no gap.
    const current = await resume(after[4]?.entryId ?? '');
    const messages = await current.waitForMessages(4, 20_000);
    current.close();
    expect(messages.map((m) => m.id)).toEqual(after.slice(5).map((e) => e.entryId));
    expect(messages.every((m) => m.event === observationChangedEvent)).toBe(true);

    const metrics = (await api.request({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`lgsp_event_stream_resets_total{stream="${f.stream}"} 1`);
    expect(metrics).toContain(`lgsp_event_stream_republished_events_total{stream="${f.stream}"} 6`);
  });

  it('a webhook consumer group lost with the stream is recreated, and its subscription gets every event the outbox holds', async () => {
    const stream = { key: f.stream, groupPrefix: `lgsp-test-${randomBytes(4).toString('hex')}` };
    const dispatcher = new WebhookDispatcher({
      db: f.t.db, redis, redisUrl, stream, egress: egressPolicy(testBoundary()), concurrency: 2, logger: createLogger('silent'), blockMs: 500,
      delivery: { maxAttempts: 4, timeoutMs: 3_000, retryBaseMs: 20, retryMaxMs: 100 },
    });
    const receiver = await startWebhookReceiver();
    try {
      const subscription = await createWebhookSubscription(f.t.db, redis, stream, { url: receiver.url, eventTypes: [observationChangedEvent] });
      receiver.secret = subscription.secret;
      await dispatcher.reload();
      await f.page([13, 23, 33]);
      expect(await f.publish()).toBe(3);
      await waitFor('the first deliveries', () => Promise.resolve(receiver.acceptedIds().length >= 3), 20_000);

      await redis.del(f.stream);
      await waitFor('the group recreated', async () => (await webhookGroupIds(redis, stream)).includes(subscription.id), 20_000);
      await f.page([14, 24, 34]);
      // The stream held 12 events when it was lost: all come again, then the 3 new ones.
      expect(await f.publish()).toBe(15);
      // Recreated at the subscription's start, the group reads the whole new stream: the 3 delivered before, again, and 12 more.
      await waitFor('the events after the loss delivered', () => Promise.resolve(receiver.acceptedIds().length >= 18), 20_000);
      expect(new Set(receiver.acceptedIds())).toEqual(new Set((await f.outbox()).map((e) => e.id)));
      expect(receiver.rejected).toEqual([]);
    } finally {
      await dispatcher.stop();
      await receiver.close();
    }
  });

  it('a stream.reset event reaches every webhook subscription and SSE client, whatever its filter', () => {
    expect(matchesFilter({ eventTypes: [observationChangedEvent], indicators: ['DVC_DOSSIERS_NEW'], units: ['91'] }, { type: streamResetEvent, indicator: null, unit: null })).toBe(true);
    const reset = parseStreamEntry('1-0', ['id', 'event-9', 'type', streamResetEvent, 'subject', 'stream/x', 'event', JSON.stringify({ type: streamResetEvent, data: {} })]);
    if (reset === null) throw new Error('the reset entry was not parsed');
    expect(matchesSseFilter(reset, { types: new Set([observationChangedEvent]), indicators: new Set(['DVC_DOSSIERS_NEW']), units: new Set(['91']) })).toBe(true);
  });
});

describe('the relay process across a Redis restart without persistence', () => {
  it('republishes by itself what the restarted Redis lost, once, and logs it once', async () => {
    const server = await startPrivateRedis({ persistence: 'none' });
    const redis = new Redis(server.url);
    redis.on('error', () => undefined);
    const f = await startStreamLossFixture(redis);
    const lines: string[] = [];
    const config = loadConfig({ DATABASE_URL: f.t.url, REDIS_URL: server.url, LGSP_EVENTS_STREAM: f.stream, LGSP_OUTBOX_POLL_MS: '200', LOG_LEVEL: 'info' });
    const logger = createLogger('info', { destination: { write: (line: string) => { lines.push(line); } } });
    const outages = watchDependencies({ db: f.t.db, redisUrl: server.url, logger, whileDown: 'events are published once it is back', giveUpMs: 0, onGiveUp: () => undefined });
    const relay = await startOutboxRelay({ config, db: f.t.db, logger, outages });
    const streamHoldsOutbox = async () => {
      const expected = (await f.outbox()).map((e) => e.id);
      const streamed = (await f.streamed().catch(() => [])).map((e) => e.event.id);
      return streamed.length === expected.length && streamed.every((id, i) => id === expected[i]);
    };
    try {
      await f.page([10, 20, 30]);
      await f.page([11, 21, 31]);
      await waitFor('the events published', streamHoldsOutbox, 20_000);
      await server.restart('kill');
      await waitFor('the events published again', streamHoldsOutbox, 30_000);
      const lossLogs = lines.filter((line) => line.includes('the event stream lost'));
      expect(lossLogs).toHaveLength(1);
      expect(JSON.parse(lossLogs[0] ?? '{}')).toMatchObject({ lostEvents: 6, republishedEvents: 6, missingEvents: 0 });
      expect(await readStreamMarker(f.t.db, f.stream)).toMatchObject({ entriesAdded: 6, length: 6 });
    } finally {
      await relay.stop();
      await f.drop().catch(() => undefined);
      redis.disconnect();
      await server.destroy();
    }
  });
});
