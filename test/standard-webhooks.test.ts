import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressPolicy } from '../src/boundary/egress.js';
import { toCloudEvent } from '../src/events/cloud-event.js';
import { observationChangedEvent } from '../src/events/outbox-events.js';
import { attemptDelivery, type DeliveryTarget } from '../src/events/webhooks/delivery.js';
import { newWebhookSecret, signatureHeaders, standardWebhooksSecret, verifyWebhookSignature } from '../src/events/webhooks/signature.js';
import { testBoundary } from './support/boundary.js';
import { startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from './support/webhook-receiver.js';

// Deliveries verified as a receiver elsewhere would: over real HTTP, with the Standard Webhooks JavaScript library.
describe('Standard Webhooks', () => {
  let receiver: WebhookReceiver;
  const egress = egressPolicy(testBoundary());
  let seq = 0;

  beforeAll(async () => { receiver = await startWebhookReceiver(); });
  afterAll(async () => { await receiver.close(); });

  /** Delivers a fresh event to the receiver through the dispatcher's attempt; returns what the receiver got. */
  const deliver = async (target: Omit<DeliveryTarget, 'id' | 'url'>): Promise<{ ok: boolean; delivery: ReceivedDelivery | undefined }> => {
    seq++;
    const event = toCloudEvent({ id: `revision-${seq}`, seq, type: observationChangedEvent, subject: `DVC_DOSSIERS_NEW/91/2025-0${seq}`, time: new Date().toISOString(), data: { indicator: 'DVC_DOSSIERS_NEW', value: 'Nghệ An 1.234,5' } }, 'urn:lgsp-connect:test');
    const before = receiver.received.length;
    const result = await attemptDelivery({ id: 'wh_standard', url: receiver.url, ...target }, { eventId: event.id, body: JSON.stringify(event) }, { timeoutMs: 5_000, egress });
    return { ok: result.ok, delivery: receiver.received.slice(before).at(0) };
  };

  it('issues secrets in the specification form, which its library takes as they are', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(standardWebhooksSecret(secret)).toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('a real delivery verifies with the library (webhook-id is the event id); a tampered one is refused', async () => {
    const secret = newWebhookSecret();
    receiver.secret = secret;
    const { ok, delivery } = await deliver({ secret });
    expect(ok).toBe(true);
    if (!delivery) throw new Error('nothing received');
    expect(receiver.rejected).toEqual([]);
    expect(delivery.headers['webhook-id']).toBe(`revision-${seq}`);
    expect(delivery.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(delivery.body, delivery.headers)).toEqual(JSON.parse(delivery.body));
    // The deprecated header still verifies for the receivers written before.
    expect(verifyWebhookSignature(secret, delivery.headers['x-lgsp-signature'], delivery.body)).toBe(true);
    expect(delivery.headers['x-lgsp-event-id']).toBe(delivery.headers['webhook-id']);

    // Sent again with one thing changed, it is refused: the body, the id, the timestamp are all signed.
    const forged = [
      receiver.post(delivery.body.replace('1.234,5', '9.234,5'), delivery.headers),
      receiver.post(delivery.body, { ...delivery.headers, 'webhook-id': 'revision-other' }),
      receiver.post(delivery.body, { ...delivery.headers, 'webhook-timestamp': String(Number(delivery.headers['webhook-timestamp']) - 1) }),
    ];
    expect(await Promise.all(forged)).toEqual([401, 401, 401]);
    // Signed with the key, but ten minutes old: a replay.
    const old = signatureHeaders(delivery.eventId, [secret], delivery.body, new Date(Date.now() - 10 * 60_000));
    expect(await receiver.post(delivery.body, { ...delivery.headers, ...old })).toBe(401);
    expect(receiver.rejected).toEqual([...Array<string>(3).fill('standard: No matching signature found'), 'standard: Message timestamp too old']);
    receiver.rejected.length = 0;
  });

  it('during a rotation both secrets verify (two signatures, space-separated); after it only the new one', async () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const rotating = { secret: newSecret, previousSecret: { secret: oldSecret, expiresAt: new Date(Date.now() + 3_600_000) } };
    receiver.secret = oldSecret;
    const during = await deliver(rotating);
    receiver.secret = newSecret;
    const duringNew = await deliver(rotating);
    expect([during.ok, duringNew.ok]).toEqual([true, true]);
    expect(during.delivery?.headers['webhook-signature']).toMatch(/^v1,\S{44} v1,\S{44}$/);
    expect(receiver.rejected).toEqual([]);

    const expired = { secret: newSecret, previousSecret: { secret: oldSecret, expiresAt: new Date(Date.now() - 1) } };
    const after = await deliver(expired);
    expect(after.ok).toBe(true);
    const headers = after.delivery?.headers ?? {};
    expect(headers['webhook-signature']).toMatch(/^v1,\S{44}$/);
    expect(() => new Webhook(oldSecret).verify(after.delivery?.body ?? '', headers)).toThrow('No matching signature found');
  });

  it('a secret issued before Standard Webhooks (URL-safe base64) verifies in its standard spelling; the old header as before', async () => {
    const legacy = `whsec_${randomBytes(32).toString('base64url')}`;
    receiver.secret = standardWebhooksSecret(legacy);
    expect(receiver.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { ok, delivery } = await deliver({ secret: legacy });
    expect(ok).toBe(true);
    expect(receiver.rejected).toEqual([]);
    expect(verifyWebhookSignature(legacy, delivery?.headers['x-lgsp-signature'], delivery?.body ?? '')).toBe(true);
  });
});
