import { randomBytes } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTailConnectionName, heartbeatMs } from '../src/api/routes/events-stream.js';
import { toCloudEvent, type CloudEvent } from '../src/events/cloud-event.js';
import { observationChangedEvent, observationRemovedEvent } from '../src/events/outbox-events.js';
import { EventStreamHub, type EventSink } from '../src/events/event-stream-hub.js';
import { appendToStream } from '../src/events/redis-stream.js';
import { noFilter } from '../src/events/stream-events.js';
import { compareStreamIds, normaliseStreamId } from '../src/events/stream-ids.js';
import { syncCompletedEvent } from '../src/warehouse/sync-runs.js';
import { openSse, type SseConnection, type SseMessage } from './support/sse-client.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { waitFor } from './support/worker-process.js';

let seq = 0;

/** The CloudEvent ids of SSE messages. */
const eventIds = (messages: readonly SseMessage[]) => messages.map((m) => (JSON.parse(m.data) as CloudEvent).id);

/** A CloudEvent as the relay publishes it: an observation change of `indicator` in `unit`, or a sync event. */
function cloudEvent(type: string, indicator: string | null, unit: string | null): CloudEvent {
  seq += 1;
  const data = indicator === null
    ? { runId: seq, connectionId: 'dvc-portal-91', mode: 'incremental', status: 'succeeded' }
    : { indicator, unit: { id: Number(unit), code: unit, name: `unit ${unit ?? ''}`, level: 'province' }, period: '2025-08', change: 'update', value: String(seq) };
  const subject = indicator === null ? `sync/dvc-portal-91/${seq}` : `${indicator}/${unit ?? ''}/2025-08`;
  return toCloudEvent({ id: `revision-${seq}`, seq, type, subject, time: new Date().toISOString(), data }, 'urn:lgsp-connect:test');
}

describe('GET /v1/events/stream: Server-Sent Events of the change stream', () => {
  let api: TestApi;
  let baseUrl: string;
  const stream = `lgsp-test-events:${randomBytes(4).toString('hex')}`;
  const open: SseConnection[] = [];

  beforeAll(async () => {
    api = await startTestApi({ LGSP_EVENTS_STREAM: stream });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await api.deps.redis.del(stream);
    await api.close();
  });

  const append = async (...events: CloudEvent[]) => {
    await appendToStream(api.deps.redis, { key: stream, maxLength: 100_000 }, events);
  };
  /** The stream's entries as [entry id, CloudEvent], in order. */
  const entries = async (): Promise<[string, CloudEvent][]> =>
    (await api.deps.redis.xrange(stream, '-', '+')).map(([id, fields]) => [id, JSON.parse(fields[fields.indexOf('event') + 1] ?? 'null') as CloudEvent]);
  /** Opens a stream as `read` and waits until the server has registered it (its first comment). */
  const subscribe = async (query = '', headers: Record<string, string> = {}) => {
    const c = await openSse(`${baseUrl}/v1/events/stream${query}`, { authorization: `Bearer ${api.keys.read}`, ...headers });
    open.push(c);
    expect(c.status).toBe(200);
    await c.waitForComment((comment) => comment === 'connected');
    return c;
  };

  it('401 without a key, 400 for a Last-Event-ID that is no entry id', async () => {
    const missing = await api.request({ method: 'GET', url: '/v1/events/stream', as: null });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'API_KEY_MISSING' });
    const bad = await api.request({ method: 'GET', url: '/v1/events/stream', headers: { 'last-event-id': 'yesterday' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Last-Event-ID' }] });
    const badQuery = await api.request({ method: 'GET', url: '/v1/events/stream?lastEventId=12-x' });
    expect(badQuery.statusCode).toBe(400);
    const outOfRange = await api.request({ method: 'GET', url: '/v1/events/stream', headers: { 'last-event-id': '99999999999999999999-0' } });
    expect(outOfRange.statusCode).toBe(400);
  });

  it('stream ids normalise and order exactly', () => {
    expect(normaliseStreamId('1718000000000')).toBe('1718000000000-0');
    expect(normaliseStreamId('0')).toBe('0-0');
    expect(normaliseStreamId('007-01')).toBe('7-1');
    expect(normaliseStreamId('1-2-3')).toBeNull();
    // Both parts are unsigned 64-bit in Redis: one past the largest is no id (Redis would refuse it mid-stream).
    expect(normaliseStreamId('18446744073709551615-18446744073709551615')).toBe('18446744073709551615-18446744073709551615');
    expect(normaliseStreamId('18446744073709551616-0')).toBeNull();
    expect(normaliseStreamId('1-99999999999999999999')).toBeNull();
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBeGreaterThan(0);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });

  it('delivers the events from now on, each with the entry id, its type and the CloudEvent; filters by type, indicator and unit', async () => {
    await append(cloudEvent(observationChangedEvent, 'OLD_EVENT', '91')); // before anyone subscribes: not delivered
    const all = await subscribe();
    expect(all.headers.get('content-type')).toContain('text/event-stream');
    expect(all.headers.get('cache-control')).toContain('no-cache');
    expect(all.fields.retry).toBe('1000');
    const filtered = await subscribe(`?type=${observationChangedEvent}&indicator=DVC_A,DVC_B&unit=91&unit=40`);
    const syncOnly = await subscribe(`?type=${syncCompletedEvent}`);
    const byUnit = await subscribe('?unit=40');

    const sent = [
      cloudEvent(observationChangedEvent, 'DVC_A', '91'), // filtered ✓
      cloudEvent(observationChangedEvent, 'DVC_C', '91'), // indicator not wanted
      cloudEvent(observationRemovedEvent, 'DVC_A', '91'), // type not wanted
      cloudEvent(syncCompletedEvent, null, null), // no indicator
      cloudEvent(observationChangedEvent, 'DVC_B', '40'), // filtered ✓
      cloudEvent(observationChangedEvent, 'DVC_B', '01'), // unit not wanted
    ];
    await append(...sent);
    const stored = (await entries()).slice(1);

    const received = await all.waitForMessages(6);
    expect(received.map((m) => m.id)).toEqual(stored.map(([id]) => id));
    expect(received.map((m) => m.event)).toEqual(sent.map((e) => e.type));
    expect(received.map((m) => JSON.parse(m.data) as CloudEvent)).toEqual(sent);

    const matching = await filtered.waitForMessages(2);
    expect(matching.map((m) => (JSON.parse(m.data) as CloudEvent).id)).toEqual([sent[0]?.id, sent[4]?.id]);
    expect(matching.map((m) => m.id)).toEqual([stored[0]?.[0], stored[4]?.[0]]);
    expect((await syncOnly.waitForMessages(1)).map((m) => m.event)).toEqual([syncCompletedEvent]);
    expect((await byUnit.waitForMessages(1)).map((m) => (JSON.parse(m.data) as CloudEvent).id)).toEqual([sent[4]?.id]);

    // One more event that only `all` wants, then markers the others want: each client gets its entries in
    // stream order, so one holding its marker has passed that event over.
    const markers = [cloudEvent(observationChangedEvent, 'DVC_A', '40'), cloudEvent(syncCompletedEvent, null, null)];
    const [changeMarker, syncMarker] = markers as [CloudEvent, CloudEvent];
    await append(cloudEvent(observationChangedEvent, 'DVC_Z', '77'), ...markers);
    await all.waitForMessages(9);
    expect(eventIds(await filtered.waitForMessages(3))).toEqual([sent[0]?.id, sent[4]?.id, changeMarker.id]);
    expect(eventIds(await syncOnly.waitForMessages(2))).toEqual([sent[3]?.id, syncMarker.id]);
    expect(eventIds(await byUnit.waitForMessages(2))).toEqual([sent[4]?.id, changeMarker.id]);
    for (const c of [all, filtered, syncOnly, byUnit]) c.close();
  });

  it('resumes after a disconnect from Last-Event-ID with no gap and no duplicate, while events keep coming', async () => {
    const first = await subscribe(`?type=${observationChangedEvent}`);
    const wanted = (e: CloudEvent) => e.type === observationChangedEvent;
    // A producer appending steadily through the disconnect and the catch-up.
    const producing = { on: true };
    const producer = (async () => {
      let i = 0;
      while (producing.on) {
        i += 1;
        await append(cloudEvent(i % 3 === 0 ? observationRemovedEvent : observationChangedEvent, `IND_${i % 5}`, '91'), cloudEvent(observationChangedEvent, 'IND_X', '40'));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await first.waitForMessages(20);
    first.close();
    await first.ended;
    const before = [...first.messages];
    const streamLength = await api.deps.redis.xlen(stream);
    await waitFor('events to pile up meanwhile', async () => (await api.deps.redis.xlen(stream)) >= streamLength + 20, 10_000);
    const lastSeen = before[before.length - 1];
    if (lastSeen?.id === undefined) throw new Error('no id');
    const second = await subscribe(`?type=${observationChangedEvent}`, { 'last-event-id': lastSeen.id });
    await second.waitForMessages(200, 15_000);
    producing.on = false;
    await producer;
    // A last wanted event: once it has arrived, so has everything before it (a duplicate would come before it).
    const last = cloudEvent(observationChangedEvent, 'IND_LAST', '91');
    await append(last);
    await waitFor('the last event', () => Promise.resolve(eventIds(second.messages).includes(last.id)), 15_000);
    const stored = (await entries()).filter(([, e]) => wanted(e));
    const startAt = stored.findIndex(([id]) => id === before[0]?.id);
    const expected = stored.slice(startAt);

    const ids = [...before, ...second.messages].map((m) => m.id);
    expect(ids).toEqual(expected.map(([id]) => id)); // every wanted entry once, in order: no gap, no duplicate
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.messages.map((m) => (JSON.parse(m.data) as CloudEvent).id)).toEqual(expected.slice(before.length).map(([, e]) => e.id));
    second.close();
  });

  it('takes the position from the lastEventId query parameter as well; 0 replays the whole stream', async () => {
    // Its own events: unit 79 is this test's alone.
    const own = [cloudEvent(observationChangedEvent, 'RESUME', '79'), cloudEvent(observationRemovedEvent, 'RESUME', '79'), cloudEvent(observationChangedEvent, 'RESUME', '79')];
    await append(cloudEvent(observationChangedEvent, 'RESUME', '78'), ...own);
    const stored = (await entries()).slice(-4);
    const from = stored[0]?.[0];
    if (from === undefined) throw new Error('nothing appended');
    const resumed = await subscribe(`?lastEventId=${from}`);
    expect((await resumed.waitForMessages(3)).map((m) => m.id)).toEqual(stored.slice(1).map(([id]) => id));
    const replay = await subscribe('?lastEventId=0&unit=79');
    expect((await replay.waitForMessages(3)).map((m) => m.data)).toEqual(own.map((e) => JSON.stringify(e)));
    // One more: it comes next, so nothing was sent twice before it.
    const next = cloudEvent(observationChangedEvent, 'RESUME', '79');
    await append(next);
    expect(eventIds(await replay.waitForMessages(4))).toEqual([...own, next].map((e) => e.id));
    resumed.close();
    replay.close();
  });

  it('tells a client resuming from before the trimmed part of the stream about the gap, then goes on', async () => {
    const key = `${stream}:gap`;
    const gapApi = await startTestApi({ LGSP_EVENTS_STREAM: key });
    try {
      await gapApi.app.listen({ port: 0, host: '127.0.0.1' });
      const address = gapApi.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const open = (lastEventId: string) => openSse(`http://127.0.0.1:${address.port}/v1/events/stream?lastEventId=${lastEventId}`, { authorization: `Bearer ${gapApi.keys.read}` });
      await appendToStream(gapApi.deps.redis, { key, maxLength: 100_000 }, Array.from({ length: 8 }, () => cloudEvent(observationChangedEvent, 'DVC_DOSSIERS_NEW', '91')));
      const ids = (await gapApi.deps.redis.xrange(key, '-', '+')).map(([id]) => id);
      await gapApi.deps.redis.xtrim(key, 'MAXLEN', 5); // exactly: entries 0, 1 and 2 are gone

      const late = await open(ids[0] ?? '');
      const [gap, ...rest] = await late.waitForMessages(6);
      expect(gap?.event).toBe('vn.lgsp.stream.gap');
      expect(gap?.id).toBeUndefined(); // the client's Last-Event-ID stays where it was
      const told = JSON.parse(gap?.data ?? '{}') as { after: string; firstAvailable: string; detail: string };
      expect(told).toMatchObject({ after: ids[0], firstAvailable: ids[3] });
      expect(told.detail).toContain('GET /v1/observations');
      expect(rest.map((m) => m.id)).toEqual(ids.slice(3));
      late.close();

      // From the oldest entry held: no gap, and nothing but the entries after it (up to one appended after).
      const onTime = await open(ids[3] ?? '');
      await onTime.waitForMessages(4);
      await appendToStream(gapApi.deps.redis, { key, maxLength: 100_000 }, [cloudEvent(observationChangedEvent, 'DVC_DOSSIERS_NEW', '91')]);
      const held = (await gapApi.deps.redis.xrange(key, '-', '+')).map(([id]) => id);
      expect((await onTime.waitForMessages(5)).map((m) => m.id)).toEqual(held.slice(1));
      onTime.close();
    } finally {
      await gapApi.deps.redis.del(key);
      await gapApi.close();
    }
  });

  it('serves many clients from one blocked Redis connection, and stops it when they leave', async () => {
    const tailName = eventTailConnectionName(stream);
    const tailClients = async () =>
      (await api.deps.redis.client('LIST') as string).split('\n').filter((line) => line.includes(` name=${tailName} `));
    const blocked = (line: string) => / flags=b /.test(line);
    const clients = await Promise.all(Array.from({ length: 25 }, () => subscribe()));
    await waitFor('the tail blocked in XREAD', async () => (await tailClients()).some((line) => blocked(line) && / cmd=xread /.test(line)), 10_000);
    expect(await tailClients()).toHaveLength(1);

    // How fast the event reaches them all is measured by `npm run bench:sse`.
    const event = cloudEvent(observationChangedEvent, 'FANOUT', '91');
    await append(event);
    const arrivals = await Promise.all(clients.map(async (c) => (await c.waitForMessages(1))[0]));
    for (const m of arrivals) expect(JSON.parse(m?.data ?? '{}')).toEqual(event);

    for (const c of clients) c.close();
    // The tail notices at its next read (it blocks 5 s at most) and stops: the connection is no longer blocked.
    await waitFor('the tail to stop', async () => (await tailClients()).every((line) => !blocked(line)), 30_000);
    // A new subscriber starts it again, from now.
    const again = await subscribe();
    const next = cloudEvent(observationChangedEvent, 'AGAIN', '91');
    await append(next);
    expect((await again.waitForMessages(1)).map((m) => JSON.parse(m.data) as CloudEvent)).toEqual([next]);
    again.close();
  });

  it(`sends a keep-alive comment every ${heartbeatMs / 1000} s`, async () => {
    const c = await subscribe('?type=nothing.ever');
    await c.waitForComment((comment) => comment === 'keep-alive', 2 * heartbeatMs);
    expect(c.messages).toHaveLength(0);
    c.close();
  }, 3 * heartbeatMs);

  it('is described in the OpenAPI document as text/event-stream', async () => {
    const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
    const document = res.json<OpenAPIV3_1.Document>();
    await SwaggerParser.validate(structuredClone(document) as never);
    const operation = document.paths?.['/v1/events/stream']?.get;
    expect(operation?.summary).toContain('Server-Sent Events');
    expect(operation?.description).toContain('Last-Event-ID');
    expect(Object.keys((operation?.responses['200'] as OpenAPIV3_1.ResponseObject | undefined)?.content ?? {})).toEqual(['text/event-stream']);
    expect(operation?.parameters?.map((p) => (p as OpenAPIV3_1.ParameterObject).name)).toEqual(expect.arrayContaining(['type', 'indicator', 'unit', 'lastEventId', 'last-event-id']));
  });
});

describe('the hub: backpressure and bounded buffers', () => {
  let api: TestApi;
  const stream = `lgsp-test-events:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => { api = await startTestApi({ LGSP_EVENTS_STREAM: stream }); });
  afterAll(async () => {
    await api.deps.redis.del(stream);
    await api.close();
  });
  const append = (n: number, indicator: string) =>
    appendToStream(api.deps.redis, { key: stream, maxLength: 100_000 }, Array.from({ length: n }, () => cloudEvent(observationChangedEvent, indicator, '91')));
  const hubOf = () => new EventStreamHub({ key: stream, redis: api.deps.redis, openBlockingConnection: () => api.deps.redis.duplicate(), logger: api.deps.logger, blockMs: 500, pageSize: 3, maxPendingEntries: 5, maxBufferedBytes: 1_000 });
  const idsIn = (chunks: readonly string[]) => chunks.join('').split('\n').filter((line) => line.startsWith('id: ')).map((line) => line.slice(4));

  it('a client catching up slowly misses nothing and repeats nothing, though the live entries it held overflowed', async () => {
    await append(1, 'BEFORE');
    const start = (await api.deps.redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    await append(10, 'BACKLOG');
    const written: string[] = [];
    const gate: { open: boolean; release: (() => void) | null } = { open: false, release: null };
    const sink: EventSink = {
      write: (chunk) => { written.push(chunk); return gate.open; },
      drain: () => new Promise<void>((resolve) => { gate.release = resolve; }),
      buffered: 0,
      end: () => undefined,
    };
    // A live subscriber beside it: the tail hands each batch to every subscriber in turn, so once this one has
    // an entry, the catching-up one has been handed it too.
    const seenLive: string[] = [];
    const liveSink: EventSink = { write: (chunk) => { seenLive.push(chunk); return true; }, drain: () => Promise.resolve(), buffered: 0, end: () => undefined };
    const hub = hubOf();
    try {
      await hub.subscribe({ after: start, filter: noFilter, sink });
      await waitFor('the catch-up to wait for the client to drain', () => Promise.resolve(gate.release), 10_000);
      expect(idsIn(written)).toHaveLength(3); // the first page
      await hub.subscribe({ after: null, filter: noFilter, sink: liveSink });
      await append(20, 'LIVE'); // the tail hands these to the catching-up subscriber: more than 5, so it drops them
      await waitFor('the tail to hand out the live entries', () => Promise.resolve(idsIn(seenLive).length === 20), 10_000);
      gate.open = true;
      gate.release?.();
      await append(1, 'AFTER');
      const expected = (await api.deps.redis.xrange(stream, `(${start}`, '+')).map(([id]) => id);
      expect(expected).toHaveLength(31);
      await waitFor('the entry after', () => Promise.resolve(idsIn(written).includes(expected[30] ?? '')), 10_000);
      expect(idsIn(written)).toEqual(expected);
    } finally {
      await hub.close();
    }
  });

  it('disconnects a client that falls too far behind (it resumes with Last-Event-ID)', async () => {
    const state = { ended: false };
    const sink: EventSink = { write: () => true, drain: () => Promise.resolve(), buffered: 5_000, end: () => { state.ended = true; } };
    const hub = hubOf();
    try {
      const subscription = await hub.subscribe({ after: null, filter: noFilter, sink });
      expect(hub.subscriberCount).toBe(1);
      await append(1, 'SLOW');
      await waitFor('the client disconnected', () => Promise.resolve(state.ended), 10_000);
      expect(subscription.isClosed()).toBe(true);
      expect(hub.subscriberCount).toBe(0);
    } finally {
      await hub.close();
    }
  });
});

describe('closing the API with streams open', () => {
  it('ends every open stream and closes', async () => {
    const stream = `lgsp-test-events:${randomBytes(4).toString('hex')}`;
    const api = await startTestApi({ LGSP_EVENTS_STREAM: stream });
    try {
      await api.app.listen({ port: 0, host: '127.0.0.1' });
      const address = api.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const clients = await Promise.all([0, 1, 2].map(async () => {
        const c = await openSse(`http://127.0.0.1:${address.port}/v1/events/stream`, { 'x-api-key': api.keys.read });
        await c.waitForComment((comment) => comment === 'connected');
        return c;
      }));
      // How long the close takes is measured by `npm run bench:sse`.
      await api.app.close();
      await Promise.all(clients.map((c) => c.ended));
      const tailName = eventTailConnectionName(stream);
      expect((await api.deps.redis.client('LIST') as string).split('\n').some((line) => line.includes(` name=${tailName} `))).toBe(false);
    } finally {
      await api.close();
    }
  });
});
