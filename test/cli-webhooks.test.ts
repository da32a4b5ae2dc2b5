import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCloudEvent } from '../src/events/cloud-event.js';
import { observationChangedEvent } from '../src/events/outbox-events.js';
import { writeDeadLetter } from '../src/events/webhooks/dead-letters.js';
import { createWebhookSubscription, type WebhookSubscription } from '../src/events/webhooks/subscriptions.js';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('lgsp webhooks: subscriptions, dead letters, redelivery', () => {
  let t: TestDatabase;
  let redis: Redis;
  let receiver: WebhookReceiver;
  let subscription: WebhookSubscription;
  const stream = { key: `lgsp-test:events:${randomBytes(4).toString('hex')}`, groupPrefix: `lgsp-test-${randomBytes(4).toString('hex')}` };
  const lgsp = (...args: string[]) => runCli(['webhooks', ...args], { DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_WEBHOOK_TIMEOUT_MS: '2000' });

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    redis = new Redis(redisUrl);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await redis.del(stream.key);
    redis.disconnect();
    await t.drop();
  });

  it('list says how to subscribe when there is nothing, then shows each subscription with its filter, never its secret', async () => {
    expect((await lgsp('list')).stdout).toContain('POST /v1/webhooks');
    subscription = await createWebhookSubscription(t.db, redis, stream, { url: receiver.url, indicators: ['DVC_DOSSIERS_NEW'], units: ['91'] });
    receiver.secret = subscription.secret;
    const list = await lgsp('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(subscription.id);
    expect(list.stdout).toContain('indicators DVC_DOSSIERS_NEW; units 91');
    expect(list.stdout).not.toContain(subscription.secret);
    const json = JSON.parse((await lgsp('list', '--json')).stdout) as { id: string; deadLetters: number }[];
    expect(json).toEqual([expect.objectContaining({ id: subscription.id, deadLetters: 0 })]);
  });

  it('dead-letters lists what was given up on; redeliver exits 1 while the receiver fails, 0 once it accepts; bad ids exit 2 or 1', async () => {
    const event = toCloudEvent({
      id: 'revision-5', seq: 5, type: observationChangedEvent, subject: 'DVC_DOSSIERS_NEW/91/2025-08', time: '2025-09-01T00:00:00.000Z',
      data: { indicator: 'DVC_DOSSIERS_NEW', unit: { code: '91' }, value: '7' },
    }, 'urn:lgsp-connect:test');
    await writeDeadLetter(t.db, {
      subscriptionId: subscription.id, streamEntryId: '1-0', eventId: event.id, eventType: event.type, subject: event.subject,
      body: JSON.stringify(event), attempts: 8, lastStatus: 500, lastError: 'HTTP 500: receiver failure',
    });
    const letters = await lgsp('dead-letters', '--pending');
    expect(letters.code).toBe(0);
    expect(letters.stdout).toContain('revision-5');
    expect(letters.stdout).toContain('HTTP 500: receiver failure');
    expect(letters.stderr).toContain('lgsp webhooks redeliver');
    const [dead] = JSON.parse((await lgsp('dead-letters', '--json')).stdout) as { id: number; event: unknown }[];
    expect(dead?.event).toEqual(event);
    const id = String(dead?.id ?? 0);

    receiver.respond = () => 503;
    const failing = await lgsp('redeliver', id);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('HTTP 503');
    expect(failing.stderr).toContain('stays pending (9 attempts now)');

    receiver.respond = () => 200;
    const delivered = await lgsp('redeliver', id);
    expect(delivered.code).toBe(0);
    expect(delivered.stdout).toContain(`dead letter ${id} (event revision-5) delivered to subscription ${subscription.id}: HTTP 200`);
    expect(receiver.acceptedIds()).toEqual(['revision-5']);
    expect(receiver.rejected).toEqual([]);
    expect((await lgsp('dead-letters', '--pending')).stdout).toContain('no dead letters');

    expect((await lgsp('redeliver', 'abc')).code).toBe(2);
    const missing = await lgsp('redeliver', '999999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('lgsp webhooks dead-letters');
    const unknown = await lgsp('dead-letters', '--subscription', 'wh_000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('lgsp webhooks list');
  });
});
