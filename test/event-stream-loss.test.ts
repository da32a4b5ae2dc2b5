import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prunePublished, streamResetEvent } from '../src/events/outbox-events.js';
import { toCloudEvent } from '../src/events/cloud-event.js';
import { appendToStream, StreamLostError } from '../src/events/redis-stream.js';
import { relayPending } from '../src/events/relay.js';
import { readStreamMarker } from '../src/events/stream-marker.js';
import { startStreamLossFixture, type StreamLossFixture } from './support/stream-loss-fixture.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the relay notices a stream that lost what it published', () => {
  let redis: Redis;
  let f: StreamLossFixture;

  beforeAll(() => { redis = new Redis(redisUrl); });
  afterAll(() => { redis.disconnect(); });
  beforeEach(async () => { f = await startStreamLossFixture(redis); });
  afterEach(async () => { await f.drop(); });

  it('after the key is deleted, republishes every retained event once per id, in outbox order, before newer ones; reports the loss once', async () => {
    await f.page([10, 20, 30]);
    await f.page([11, 21, 31]);
    await f.page([12, 22, 32]);
    expect(await f.publish()).toBe(9);
    const before = await f.streamed();
    expect(before).toHaveLength(9);

    await redis.del(f.stream);
    await f.page([13, 23, 33]);
    // The 9 lost events again, then the 3 new ones.
    expect(await f.publish()).toBe(12);
    expect(f.losses).toEqual([expect.objectContaining({
      stream: f.stream, lostEvents: 9, republishedEvents: 9, missingEvents: 0, lostThroughId: before[8]?.entryId,
      firstRepublishedEventId: before[0]?.event.id, lastRepublishedEventId: before[8]?.event.id,
    })]);
    const after = await f.streamed();
    expect(after.map((e) => e.event.id)).toEqual((await f.outbox()).map((e) => e.id));
    expect(new Set(after.map((e) => e.event.id)).size).toBe(12);
    expect(after.map((e) => e.event)).toEqual(expect.arrayContaining(before.map((e) => e.event)));
    expect(after.some((e) => e.event.type === streamResetEvent)).toBe(false);

    // Handled once: the next passes find nothing lost and nothing to publish.
    expect(await f.publish()).toBe(0);
    expect(f.losses).toHaveLength(1);
    expect(await readStreamMarker(f.t.db, f.stream)).toMatchObject({ entriesAdded: 12, length: 12, lostThroughId: before[8]?.entryId });
    expect((await sql<{ resets: number; republished_events: number }>`select resets, republished_events from event_stream_marker`.execute(f.t.db)).rows)
      .toEqual([{ resets: 1, republished_events: 9 }]);
  });

  it('an append finds a loss that happened after the pass checked: it appends nothing, and the next pass republishes first', async () => {
    await f.page([10, 20, 30]);
    expect(await f.publish()).toBe(3);
    await f.page([11, 21, 31]);
    expect(await f.publisher.recoverIfLost()).toBeNull(); // a pass's check: nothing lost yet
    await redis.del(f.stream); // lost right after it
    await expect(relayPending(f.t.db, f.publisher.deliver, { source: 'urn:lgsp-connect:test', eventsPerRound: 4 })).rejects.toBeInstanceOf(StreamLostError);
    expect(await redis.exists(f.stream)).toBe(0);
    expect(await f.publish()).toBe(6);
    expect(f.losses).toEqual([expect.objectContaining({ lostEvents: 3, republishedEvents: 3 })]);
    expect((await f.streamed()).map((e) => e.event.id)).toEqual((await f.outbox()).map((e) => e.id));
  });

  it('where pruning took part of the lost range, republishes what is left and appends a stream.reset event saying what was lost and what came again', async () => {
    await f.page([10, 20, 30]);
    await f.page([11, 21, 31]);
    await f.page([12, 22, 32]);
    expect(await f.publish()).toBe(9);
    const before = await f.streamed();
    // The first two rows were published long ago and pruned: 6 events the outbox no longer holds.
    await sql`update outbox_event set published_at = now() - interval '200 hours' where seq in (select seq from outbox_event order by seq limit 2)`.execute(f.t.db);
    expect(await prunePublished(f.t.db, 168)).toBe(2);

    await redis.del(f.stream);
    expect(await f.publish()).toBe(4);
    expect(f.losses).toEqual([expect.objectContaining({ lostEvents: 9, republishedEvents: 3, missingEvents: 6 })]);
    const after = await f.streamed();
    expect(after.map((e) => e.event.id)).toEqual((await f.outbox()).map((e) => e.id));
    expect(after.slice(0, 3).map((e) => e.event)).toEqual(before.slice(6).map((e) => e.event));
    const reset = after[3]?.event;
    expect(reset).toMatchObject({
      type: streamResetEvent,
      subject: `stream/${f.stream}`,
      data: {
        stream: f.stream,
        lost: { events: 9, throughEntryId: before[8]?.entryId },
        republished: { events: 3, firstEventId: before[6]?.event.id, lastEventId: before[8]?.event.id },
        missingEvents: 6,
      },
    });
    expect(String(reset?.data.detail)).toContain('GET /v1/observations');
  });

  it('a stream that lost only its newest entries (an older snapshot) gets those again, not the whole outbox', async () => {
    await f.page([10, 20, 30]);
    await f.page([11, 21, 31]);
    expect(await f.publish()).toBe(6);
    const kept = (await f.streamed()).slice(0, 3);
    // What a restart from a snapshot taken after the first page looks like: a stream that counts 3 entries added.
    await redis.del(f.stream);
    for (const { entryId, event } of kept) await redis.xadd(f.stream, entryId, 'id', event.id, 'type', event.type, 'subject', event.subject, 'event', JSON.stringify(event));
    expect(await f.publish()).toBe(3);
    expect(f.losses).toEqual([expect.objectContaining({ lostEvents: 3, republishedEvents: 3, missingEvents: 0 })]);
    expect((await f.streamed()).map((e) => e.event.id)).toEqual((await f.outbox()).map((e) => e.id));
  });
});

describe('the guarded append', () => {
  it('checks the count in every script call of a large append, and appends nothing to a stream that counts fewer than expected', async () => {
    const redis = new Redis(redisUrl);
    const target = { key: `lgsp-test:guarded-append:${randomBytes(4).toString('hex')}`, maxLength: 100_000 };
    const events = Array.from({ length: 2_500 }, (_, i) => toCloudEvent({ id: `event-${i}`, seq: i, type: 'vn.lgsp.sync.completed.v1', subject: `sync/src/${i}`, time: new Date().toISOString(), data: {} }, 'urn:lgsp-connect:test'));
    try {
      // Three script calls, each expecting the entries of the calls before it.
      expect(await appendToStream(redis, target, events, 0)).toMatchObject({ entriesAdded: 2_500, length: 2_500 });
      expect(await appendToStream(redis, target, events.slice(0, 10), 2_500)).toMatchObject({ entriesAdded: 2_510 });
      await expect(appendToStream(redis, target, events, 2_511)).rejects.toBeInstanceOf(StreamLostError);
      expect(await redis.xlen(target.key)).toBe(2_510);
    } finally {
      await redis.del(target.key);
      redis.disconnect();
    }
  });
});
