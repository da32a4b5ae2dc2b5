import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toCloudEvent, type CloudEvent } from '../src/events/cloud-event.js';
import { observationChangedEvent, observationRemovedEvent } from '../src/events/outbox-events.js';
import { appendToStream } from '../src/events/redis-stream.js';
import { listDeadLetters, redeliverDeadLetter } from '../src/events/webhooks/dead-letters.js';
import { backoffDelay, type DeliveryOptions } from '../src/events/webhooks/delivery.js';
import { WebhookDispatcher } from '../src/events/webhooks/dispatcher.js';
import { webhookFailureCounts } from '../src/events/webhooks/failure-counts.js';
import { entryKeyOf, eventKeyOf } from '../src/events/stream-events.js';
import { matchesFilter } from '../src/events/webhooks/filter.js';
import { signatureHeaders, signWebhook, verifyWebhookSignature, webhookSignatureProblem } from '../src/events/webhooks/signature.js';
import { groupName, webhookGroupIds } from '../src/events/webhooks/stream-groups.js';
import { createWebhookSubscription, deleteWebhookSubscription, rotateWebhookSecret, type NewWebhookSubscription } from '../src/events/webhooks/subscriptions.js';
import { egressPolicy } from '../src/boundary/egress.js';
import { createLogger } from '../src/logger.js';
import { syncCompletedEvent } from '../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { testBoundary } from './support/boundary.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { startWorker, waitFor, type WorkerProcess } from './support/worker-process.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let eventNumber = 0;
/** An observation change event as the relay publishes it, with a fresh id. */
function observationEvent(indicator = 'DVC_DOSSIERS_NEW', unit = '91', type: string = observationChangedEvent): CloudEvent {
  eventNumber++;
  return toCloudEvent({
    id: `revision-${eventNumber}`, seq: eventNumber, type, subject: `${indicator}/${unit}/2025-08`, time: new Date().toISOString(),
    data: { indicator, unit: { id: eventNumber, code: unit, name: `unit ${unit}`, level: 'province' }, period: '2025-08', change: 'update', value: String(eventNumber) },
  }, 'urn:lgsp-connect:test');
}
function syncEvent(): CloudEvent {
  eventNumber++;
  return toCloudEvent({ id: `event-${eventNumber}`, seq: eventNumber, type: syncCompletedEvent, subject: `sync/src/${eventNumber}`, time: new Date().toISOString(), data: { runId: eventNumber, connectionId: 'src' } }, 'urn:lgsp-connect:test');
}
const ids = (events: readonly CloudEvent[]) => events.map((e) => e.id);
/** Event ids by subject, in the order given: what a subscriber is promised (order per subject, not across). */
function bySubject(eventIds: readonly string[], events: readonly CloudEvent[]): Map<string, string[]> {
  const subjectOf = new Map(events.map((e) => [e.id, e.subject]));
  const lanes = new Map<string, string[]>();
  for (const id of eventIds) {
    const subject = subjectOf.get(id) ?? `unknown ${id}`;
    lanes.set(subject, [...(lanes.get(subject) ?? []), id]);
  }
  return lanes;
}

describe('webhook signatures and filters', () => {
  it('verifies a signature over timestamp and body; refuses a tampered body, an old timestamp, another secret, a malformed header', () => {
    const body = JSON.stringify(observationEvent());
    const now = new Date('2026-03-01T08:00:00Z');
    const header = signWebhook('whsec_one', body, now);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_one', header, body, { now })).toBe(true);
    expect(verifyWebhookSignature('whsec_one', header, Buffer.from(body), { now: new Date(now.getTime() + 299_000) })).toBe(true);
    expect(webhookSignatureProblem('whsec_one', header, body.replace('"value":"', '"value":"9'), { now })).toBe('signature_mismatch');
    expect(webhookSignatureProblem('whsec_one', header, body, { now: new Date(now.getTime() + 301_000) })).toBe('timestamp_out_of_tolerance');
    expect(verifyWebhookSignature('whsec_one', header, body, { now: new Date(now.getTime() + 60_000), toleranceSeconds: 30 })).toBe(false);
    expect(webhookSignatureProblem('whsec_two', header, body, { now })).toBe('signature_mismatch');
    // The timestamp cannot be refreshed without the secret: it is signed with the body.
    const refreshed = header.replace(/^t=\d+/, `t=${Math.floor(now.getTime() / 1000) + 600}`);
    expect(webhookSignatureProblem('whsec_one', refreshed, body, { now: new Date(now.getTime() + 600_000) })).toBe('signature_mismatch');
    expect(webhookSignatureProblem('whsec_one', 'v1=abc', body, { now })).toBe('malformed');
    expect(webhookSignatureProblem('whsec_one', undefined, body, { now })).toBe('malformed');
    // A second v1 (e.g. while a secret rotates) is accepted when either matches.
    expect(verifyWebhookSignature('whsec_one', `${header},v1=${'0'.repeat(64)}`, body, { now })).toBe(true);
  });

  it('matches every non-empty list; events without an indicator or unit pass only unfiltered lists', () => {
    const change = eventKeyOf(observationEvent('DVC_DOSSIERS_NEW', '40'));
    const sync = eventKeyOf(syncEvent());
    expect(change).toEqual({ type: observationChangedEvent, indicator: 'DVC_DOSSIERS_NEW', unit: '40' });
    expect(matchesFilter({ eventTypes: [], indicators: [], units: [] }, change)).toBe(true);
    expect(matchesFilter({ eventTypes: [observationChangedEvent], indicators: ['DVC_DOSSIERS_NEW'], units: ['40', '91'] }, change)).toBe(true);
    expect(matchesFilter({ eventTypes: [observationRemovedEvent], indicators: [], units: [] }, change)).toBe(false);
    expect(matchesFilter({ eventTypes: [], indicators: [], units: ['91'] }, change)).toBe(false);
    expect(matchesFilter({ eventTypes: [syncCompletedEvent], indicators: [], units: [] }, sync)).toBe(true);
    expect(matchesFilter({ eventTypes: [], indicators: ['DVC_DOSSIERS_NEW'], units: [] }, sync)).toBe(false);
  });

  it('keys the relay\'s stream entries by their fields without parsing them; anything else by its CloudEvent', () => {
    const change = observationEvent('DVC_DOSSIERS_NEW', '40');
    // The event field is not even read: the type and subject say it all.
    expect(entryKeyOf({ type: change.type, subject: change.subject, event: 'not parsed' })).toEqual({ type: observationChangedEvent, indicator: 'DVC_DOSSIERS_NEW', unit: '40' });
    expect(entryKeyOf({ type: syncCompletedEvent, subject: 'sync/src/1', event: 'not parsed' })).toEqual({ type: syncCompletedEvent, indicator: null, unit: null });
    // Written by something else: no subject field, an unknown type, or a subject of another shape.
    expect(entryKeyOf({ event: JSON.stringify(change) })).toEqual(eventKeyOf(change));
    expect(entryKeyOf({ type: 'com.example.other', subject: 'a/b/c', event: JSON.stringify({ type: 'com.example.other', data: { indicator: 'X' } }) }))
      .toEqual({ type: 'com.example.other', indicator: 'X', unit: null });
    expect(entryKeyOf({ type: observationChangedEvent, subject: 'odd', event: JSON.stringify(change) })).toEqual(eventKeyOf(change));
    expect(entryKeyOf({ type: 'x', subject: 'y', event: '{not json' })).toBeNull();
    expect(entryKeyOf({ type: 'x', subject: 'y' })).toBeNull();
  });

  it('backs off exponentially with jitter, capped, honouring Retry-After up to the cap', () => {
    const o = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, o, null, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map((a) => backoffDelay(a, o, null, () => 0))).toEqual([500, 1000, 2000]);
    expect(backoffDelay(20, o, null, () => 1)).toBe(60_000);
    expect(backoffDelay(1, o, 30_000, () => 0)).toBe(30_000);
    expect(backoffDelay(1, o, 3_600_000, () => 0)).toBe(60_000);
  });
});

describe('webhook dispatcher', () => {
  let t: TestDatabase;
  let redis: Redis;
  let dispatcher: WebhookDispatcher;
  const receivers: WebhookReceiver[] = [];
  const stream = { key: `lgsp-test:events:${randomBytes(4).toString('hex')}`, groupPrefix: `lgsp-test-${randomBytes(4).toString('hex')}` };
  // A timeout longer than any test waits: a hanging receiver stays unanswered (afterEach closes it).
  const delivery: DeliveryOptions = { maxAttempts: 4, timeoutMs: 120_000, retryBaseMs: 20, retryMaxMs: 100 };

  const append = (events: readonly CloudEvent[]) => appendToStream(redis, { key: stream.key, maxLength: 100_000 }, events);
  /** A subscription with its own receiver, served by the dispatcher at once. */
  async function subscribe(filter: Omit<NewWebhookSubscription, 'url'> = {}) {
    const receiver = await startWebhookReceiver();
    receivers.push(receiver);
    const subscription = await createWebhookSubscription(t.db, redis, stream, { url: receiver.url, ...filter });
    receiver.secret = subscription.secret;
    await dispatcher.reload();
    return { receiver, subscription };
  }
  const arrived = (receiver: WebhookReceiver, count: number, timeoutMs = 10_000) =>
    waitFor(`${count} deliveries`, () => Promise.resolve(receiver.acceptedIds().length >= count), timeoutMs);

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = new Redis(redisUrl);
    dispatcher = new WebhookDispatcher({ db: t.db, redis, redisUrl, stream, delivery, egress: egressPolicy(testBoundary()), concurrency: 4, logger: createLogger(process.env.WEBHOOK_TEST_LOG ?? 'silent'), blockMs: 1_000 });
  });
  afterEach(async () => {
    // Receivers first: a delivery hanging on one fails at once, so its consumer stops without waiting for the timeout.
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await t.db.deleteFrom('webhook_subscription').execute();
    await dispatcher.reload();
  });
  afterAll(async () => {
    await dispatcher.stop();
    await redis.del(stream.key);
    redis.disconnect();
    await t.drop();
  });

  it('delivers signed structured CloudEvents in order with their ids; the receiver refuses a tampered body and an old timestamp', async () => {
    const { receiver, subscription } = await subscribe();
    const events = Array.from({ length: 30 }, () => observationEvent());
    for (let i = 0; i < events.length; i += 7) await append(events.slice(i, i + 7));
    await arrived(receiver, 30);
    expect(receiver.acceptedIds()).toEqual(ids(events));
    expect(receiver.rejected).toEqual([]);
    const first = receiver.received[0];
    if (!first) throw new Error('nothing received');
    expect(first.contentType).toBe('application/cloudevents+json; charset=utf-8');
    expect(first.subscriptionId).toBe(subscription.id);
    expect(JSON.parse(first.body)).toEqual(events[0]);
    expect(first.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // Forged and replayed requests, sent to the same receiver: refused before anything else.
    expect(await receiver.post(first.body.replace('"value":"', '"value":"1'), first.headers)).toBe(401);
    const oldSignature = signatureHeaders(first.eventId, [subscription.secret], first.body, new Date(Date.now() - 10 * 60_000));
    expect(await receiver.post(first.body, { ...first.headers, ...oldSignature })).toBe(401);
    expect(receiver.rejected).toEqual(['standard: No matching signature found', 'standard: Message timestamp too old']);

    // How fast deliveries arrive is measured by `npm run bench:events` (commit to webhook receiver).
  });

  it('starts at the stream position of its creation', async () => {
    await append([observationEvent()]);
    const { receiver } = await subscribe();
    const after = observationEvent();
    await append([after]);
    await arrived(receiver, 1);
    // Both events share a subject, delivered in order: had the earlier one been sent, it would have come first.
    expect(receiver.acceptedIds()).toEqual([after.id]);
  });

  it('delivers only what each filter wants', async () => {
    const all = await subscribe();
    const removals = await subscribe({ eventTypes: [observationRemovedEvent] });
    const indicator = await subscribe({ indicators: ['IND_B'] });
    const nghean = await subscribe({ units: ['40'], eventTypes: [observationChangedEvent] });
    const syncs = await subscribe({ eventTypes: [syncCompletedEvent] });
    const events = [
      observationEvent('IND_A', '91'), observationEvent('IND_B', '40'), observationEvent('IND_A', '40', observationRemovedEvent),
      syncEvent(), observationEvent('IND_B', '91', observationRemovedEvent), observationEvent('IND_A', '40'),
    ];
    const [a91, b40, a40removed, sync, b91removed, a40] = events as [CloudEvent, CloudEvent, CloudEvent, CloudEvent, CloudEvent, CloudEvent];
    await append(events);
    await arrived(all.receiver, events.length);
    await Promise.all([arrived(removals.receiver, 2), arrived(indicator.receiver, 2), arrived(nghean.receiver, 2), arrived(syncs.receiver, 1)]);
    // Markers each filter wants one of, read after the events: a read is delivered once the one before it has
    // settled, so a receiver holding its markers would already hold any unwanted event.
    const markers = [observationEvent('IND_B', '40', observationRemovedEvent), observationEvent('IND_B', '40'), syncEvent()];
    const [removedMarker, changedMarker, syncMarker] = markers as [CloudEvent, CloudEvent, CloudEvent];
    await append(markers);
    const marked = (receiver: WebhookReceiver, wanted: readonly CloudEvent[]) =>
      waitFor('the markers', () => Promise.resolve(wanted.every((m) => receiver.acceptedIds().includes(m.id))), 10_000);
    await Promise.all([
      marked(all.receiver, markers), marked(removals.receiver, [removedMarker]), marked(indicator.receiver, [removedMarker, changedMarker]),
      marked(nghean.receiver, [changedMarker]), marked(syncs.receiver, [syncMarker]),
    ]);
    const markerIds = new Set(ids(markers));
    const delivered = (receiver: WebhookReceiver) => bySubject(receiver.acceptedIds().filter((id) => !markerIds.has(id)), events);
    expect(delivered(all.receiver)).toEqual(bySubject(ids(events), events));
    expect(delivered(removals.receiver)).toEqual(bySubject(ids([a40removed, b91removed]), events));
    expect(delivered(indicator.receiver)).toEqual(bySubject(ids([b40, b91removed]), events));
    expect(delivered(nghean.receiver)).toEqual(bySubject(ids([b40, a40]), events));
    expect(syncs.receiver.acceptedIds()).toEqual(ids([sync, syncMarker]));
    expect(a91.id).toBeDefined();
  });

  it('retries a receiver failing with 500 until it accepts, in order, counting the failed attempts', async () => {
    const { receiver, subscription } = await subscribe();
    receiver.respond = (d) => (d.attempt <= 3 ? 500 : 200);
    const events = [observationEvent(), observationEvent()];
    await append(events);
    await arrived(receiver, 2);
    const [first, second] = ids(events) as [string, string];
    expect(receiver.received.map((d) => d.eventId)).toEqual([first, first, first, first, second, second, second, second]);
    expect(receiver.acceptedIds()).toEqual(ids(events));
    expect(await webhookFailureCounts(t.db)).toEqual([{ subscriptionId: subscription.id, failedAttempts: 6, deadLetters: 0, pendingDeadLetters: 0 }]);
  });

  it('a receiver that always fails gets a dead letter and the next events; redelivering it delivers it once more', async () => {
    const { receiver, subscription } = await subscribe();
    const [doomed, next] = [observationEvent(), observationEvent()] as [CloudEvent, CloudEvent];
    receiver.respond = (d) => (d.eventId === doomed.id ? 500 : 200);
    await append([doomed, next]);
    await arrived(receiver, 1);
    expect(receiver.received.map((d) => d.eventId)).toEqual([doomed.id, doomed.id, doomed.id, doomed.id, next.id]);
    const [dead] = await listDeadLetters(t.db, { subscriptionId: subscription.id });
    expect(dead).toMatchObject({ eventId: doomed.id, eventType: observationChangedEvent, subject: doomed.subject, attempts: 4, lastStatus: 500, redeliveredAt: null });
    expect(dead?.lastError).toContain('HTTP 500');
    expect(dead?.event).toEqual(doomed);
    expect(await webhookFailureCounts(t.db)).toEqual([{ subscriptionId: subscription.id, failedAttempts: 4, deadLetters: 1, pendingDeadLetters: 1 }]);

    receiver.respond = () => 200;
    const redelivered = await redeliverDeadLetter(t.db, dead?.id ?? 0, { timeoutMs: 2_000, egress: egressPolicy(testBoundary()) });
    expect(redelivered?.result).toMatchObject({ ok: true, status: 200 });
    expect(redelivered?.deadLetter.redeliveredAt).toBeInstanceOf(Date);
    const last = receiver.received[receiver.received.length - 1];
    expect(last?.eventId).toBe(doomed.id);
    expect(last?.body).toBe(receiver.received[0]?.body); // the same bytes as first sent
    expect(receiver.acceptedIds()).toEqual([next.id, doomed.id]);
    expect(await webhookFailureCounts(t.db)).toEqual([{ subscriptionId: subscription.id, failedAttempts: 4, deadLetters: 1, pendingDeadLetters: 0 }]);
  });

  it('delivers a burst several at a time, each subject in order, a retried event holding up only its own subject', async () => {
    const { receiver } = await subscribe();
    receiver.delayMs = 40;
    const units = ['01', '40', '91', '92', '96'];
    const events = Array.from({ length: 25 }, (_, i) => observationEvent('DVC_DOSSIERS_NEW', units[i % units.length]));
    const retried = events[0]?.id;
    receiver.respond = (d) => (d.eventId === retried && d.attempt <= 2 ? 500 : 200);
    await append(events);
    await arrived(receiver, events.length);
    expect(bySubject(receiver.acceptedIds(), events)).toEqual(bySubject(ids(events), events));
    expect(receiver.maxInFlight).toBeGreaterThan(1);
    expect(receiver.maxInFlight).toBeLessThanOrEqual(4);
    // Unit 01's later events waited for the retried one; the others did not.
    const arrivals = receiver.received.map((d) => d.eventId);
    expect(arrivals.indexOf(events[5]?.id ?? '')).toBeGreaterThan(arrivals.lastIndexOf(retried ?? ''));
    expect(arrivals.indexOf(events[1]?.id ?? '')).toBeLessThan(arrivals.lastIndexOf(retried ?? ''));
  });

  it('after a secret rotation, signs with the new secret and the old one until the grace period ends', async () => {
    const { receiver, subscription } = await subscribe();
    const rotated = await rotateWebhookSecret(t.db, subscription.id, 1);
    await dispatcher.reload();
    const event = observationEvent();
    await append([event]);
    await arrived(receiver, 1);
    const [delivery] = receiver.received;
    expect(receiver.rejected).toEqual([]); // the receiver still verifies with the old secret
    expect(verifyWebhookSignature(rotated?.secret ?? '', delivery?.signature, delivery?.body ?? '')).toBe(true);
  });

  it('a slow receiver holds up only its own subscription', async () => {
    const slow = await subscribe();
    const fast = await subscribe();
    slow.receiver.respond = () => 'hang';
    const events = [observationEvent(), observationEvent(), observationEvent()];
    await append(events);
    // The slow receiver's first delivery never ends (no answer, no timeout within the test): all three reaching
    // the fast one shows it was not held up.
    await arrived(fast.receiver, 3);
    expect(fast.receiver.acceptedIds()).toEqual(ids(events));
    expect(slow.receiver.received.map((d) => d.eventId)).toEqual([events[0]?.id]);
  });

  it('a removed subscription is no longer served and its consumer group is destroyed', async () => {
    const kept = await subscribe();
    const removed = await subscribe();
    expect((await webhookGroupIds(redis, stream)).sort()).toEqual([kept.subscription.id, removed.subscription.id].sort());
    expect(await deleteWebhookSubscription(t.db, removed.subscription.id)).toBe(true);
    await dispatcher.reload();
    expect(dispatcher.serving).toEqual([kept.subscription.id]);
    expect(await webhookGroupIds(redis, stream)).toEqual([kept.subscription.id]);
    await append([observationEvent()]);
    await arrived(kept.receiver, 1);
    expect(removed.receiver.received).toEqual([]);
  });
});

describe('webhook dispatcher process', () => {
  let t: TestDatabase;
  let redis: Redis;
  let receiver: WebhookReceiver;
  const stream = { key: `lgsp-test:events:${randomBytes(4).toString('hex')}`, groupPrefix: `lgsp-test-${randomBytes(4).toString('hex')}` };
  const started: WorkerProcess[] = [];
  const start = async () => {
    const worker = await startWorker('workers/webhook-dispatcher.ts', '"started"', {
      DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_EVENTS_STREAM: stream.key, LGSP_QUEUE_PREFIX: stream.groupPrefix, LOG_LEVEL: 'info',
      LGSP_WEBHOOK_RELOAD_MS: '300', LGSP_WEBHOOK_TIMEOUT_MS: '30000', LGSP_WEBHOOK_RETRY_BASE_MS: '50',
    });
    started.push(worker);
    return worker;
  };
  const append = (events: readonly CloudEvent[]) => appendToStream(redis, { key: stream.key, maxLength: 100_000 }, events);
  const pendingCount = async (id: string) => Number((await redis.xpending(stream.key, groupName(stream, id)))[0]);
  const logged = (worker: WorkerProcess, text: string) => waitFor(text, () => Promise.resolve(worker.output().includes(text)), 15_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = new Redis(redisUrl);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const w of started) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await receiver.close();
    await redis.del(stream.key);
    redis.disconnect();
    await t.drop();
  });

  it('a dispatcher killed mid-delivery loses nothing: after restart the pending events come first, with the same ids; a standby takes over', async () => {
    const first = await start();
    await logged(first, 'holding the webhook dispatcher lock');
    const subscription = await createWebhookSubscription(t.db, redis, stream, { url: receiver.url });
    receiver.secret = subscription.secret;
    await logged(first, 'serving webhook subscription'); // woken by the NOTIFY of the insert

    const events = Array.from({ length: 6 }, () => observationEvent());
    const [, , third] = events as [CloudEvent, CloudEvent, CloudEvent];
    receiver.respond = (d) => (d.eventId === third.id && d.attempt === 1 ? 'hang' : 200);
    await append(events);
    await waitFor('the third event under way', () => Promise.resolve(receiver.received.some((d) => d.eventId === third.id)), 10_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(await pendingCount(subscription.id)).toBeGreaterThanOrEqual(1); // the third (and what was read with it), unacknowledged

    const later = [observationEvent(), observationEvent()];
    await append(later);
    const restarted = await start();
    await waitFor('every event', () => Promise.resolve(receiver.acceptedIds().length >= 8), 15_000);
    const all = [...events, ...later];
    expect(receiver.received.map((d) => d.eventId)).toEqual([...ids(events.slice(0, 3)), ...ids(events.slice(2)), ...ids(later)]);
    expect(receiver.acceptedIds()).toEqual(ids(all));
    // The receiver counts a delivery before the dispatcher has its answer and acknowledges it: wait for that.
    await waitFor('every delivery acknowledged', async () => (await pendingCount(subscription.id)) === 0, 15_000);

    // A second instance stands by while the first delivers, and takes over when it stops.
    const standby = await start();
    await logged(standby, 'standing by');
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    await logged(standby, 'holding the webhook dispatcher lock');
    const afterTakeover = observationEvent();
    await append([afterTakeover]);
    await waitFor('the event after the takeover', () => Promise.resolve(receiver.acceptedIds().includes(afterTakeover.id)), 10_000);
    expect(receiver.acceptedIds()).toEqual([...ids(all), afterTakeover.id]);
    standby.child.kill('SIGTERM');
    expect(await standby.exited).toBe(0);
  }, 300_000); // three dispatcher processes: slow to start on a loaded machine
});
