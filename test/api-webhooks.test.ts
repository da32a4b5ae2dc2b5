import { randomBytes } from 'node:crypto';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCloudEvent } from '../src/events/cloud-event.js';
import { observationChangedEvent } from '../src/events/outbox-events.js';
import { writeDeadLetter } from '../src/events/webhooks/dead-letters.js';
import { verifyWebhookSignature } from '../src/events/webhooks/signature.js';
import { groupName, lastEntryId, webhookGroupIds } from '../src/events/webhooks/stream-groups.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { standardWebhooksProblem, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

interface Subscription { id: string; url: string; eventTypes: string[]; indicators: string[]; units: string[]; failedAttempts: number; deadLetters: number; secret?: string }
interface DeadLetterView { id: number; subscriptionId: string; eventId: string; attempts: number; lastStatus: number | null; redeliveredAt: string | null; event: Record<string, unknown> }

describe('API: webhooks', () => {
  let api: TestApi;
  let receiver: WebhookReceiver;
  const streamKey = `lgsp-test:events:${randomBytes(4).toString('hex')}`;
  const stream = () => ({ key: streamKey, groupPrefix: api.deps.config.queue.prefix });

  beforeAll(async () => {
    api = await startTestApi({ LGSP_EVENTS_STREAM: streamKey, LGSP_WEBHOOK_TIMEOUT_MS: '2000' });
    await loadProvinceReference(api.t.db);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await api.deps.redis.del(streamKey);
    await api.close();
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json<OpenAPIV3_1.Document>();
    expect(Object.keys(document.paths ?? {})).toEqual(expect.arrayContaining([
      '/v1/webhooks', '/v1/webhooks/{id}', '/v1/webhooks/{id}/secret', '/v1/webhooks/dead-letters', '/v1/webhooks/dead-letters/{id}/redeliver',
    ]));
    expect(Object.keys(document.paths?.['/v1/webhooks/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(document.paths?.['/v1/webhooks']?.post?.tags).toEqual(['webhooks']);
  });

  it('creates a subscription (201, the secret once) with its consumer group at the stream end; lists, shows and deletes it', async () => {
    await api.deps.redis.xadd(streamKey, '*', 'id', 'before', 'event', '{}');
    const created = await api.request({
      method: 'POST', url: '/v1/webhooks', as: 'operate',
      payload: { url: receiver.url, description: 'dashboard', eventTypes: [observationChangedEvent], indicators: ['DVC_DOSSIERS_NEW'], units: ['91', '40'] },
    });
    expect(created.statusCode).toBe(201);
    const subscription = created.json<Subscription>();
    expect(subscription).toMatchObject({ url: receiver.url, eventTypes: [observationChangedEvent], indicators: ['DVC_DOSSIERS_NEW'], units: ['91', '40'], failedAttempts: 0, deadLetters: 0 });
    expect(subscription.id).toMatch(/^wh_[0-9a-f]{12}$/);
    expect(subscription.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = subscription.secret ?? '';

    // The group starts after the last entry at creation.
    expect(await webhookGroupIds(api.deps.redis, stream())).toEqual([subscription.id]);
    const groups = await api.deps.redis.call('XINFO', 'GROUPS', streamKey) as unknown[][];
    const group = groups.find((g) => g[1] === groupName(stream(), subscription.id));
    expect(group?.[group.indexOf('last-delivered-id') + 1]).toBe(await lastEntryId(api.deps.redis, streamKey));

    const list = await api.request({ method: 'GET', url: '/v1/webhooks', as: 'operate' });
    expect(list.statusCode).toBe(200);
    expect(list.json<Subscription[]>().map((s) => s.id)).toEqual([subscription.id]);
    expect(list.body).not.toContain(secret);
    const shown = await api.request({ method: 'GET', url: `/v1/webhooks/${subscription.id}`, as: 'admin' });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ id: subscription.id, description: 'dashboard' });
    expect(shown.body).not.toContain(secret);

    expect((await api.request({ method: 'DELETE', url: `/v1/webhooks/${subscription.id}`, as: 'operate' })).statusCode).toBe(204);
    expect((await api.request({ method: 'GET', url: `/v1/webhooks/${subscription.id}`, as: 'operate' })).statusCode).toBe(404);
    const again = await api.request({ method: 'DELETE', url: `/v1/webhooks/${subscription.id}`, as: 'operate' });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('400 names the field: a bad URL, an unknown event type, indicator or unit; a non-numeric dead letter id', async () => {
    const badUrl = await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { url: 'ftp://example.org/hook' } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'body.url' })] });

    const missing = await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { eventTypes: [] } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'body.url' })] });

    const unknown = await api.request({
      method: 'POST', url: '/v1/webhooks', as: 'operate',
      payload: { url: receiver.url, eventTypes: [observationChangedEvent, 'vn.lgsp.observation.chnaged.v1'], indicators: ['NO_SUCH_INDICATOR'], units: ['91', '999'] },
    });
    expect(unknown.statusCode).toBe(400);
    const problem = unknown.json<{ code: string; detail: string; errors: { field: string; message: string }[] }>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.field)).toEqual(['body.eventTypes.1', 'body.indicators.0', 'body.units.1']);
    expect(problem.detail).toContain('unknown indicator "NO_SUCH_INDICATOR"');
    expect((await api.request({ method: 'GET', url: '/v1/webhooks', as: 'operate' })).json()).toEqual([]);

    const badId = await api.request({ method: 'POST', url: '/v1/webhooks/dead-letters/abc/redeliver', as: 'operate' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'params.id' })] });
  });

  it('401 without a key, 403 with a read key, 404 for what does not exist', async () => {
    expect((await api.request({ method: 'GET', url: '/v1/webhooks', as: null })).json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING' });
    const routes = [
      ['GET', '/v1/webhooks'], ['POST', '/v1/webhooks'], ['GET', '/v1/webhooks/dead-letters'], ['DELETE', '/v1/webhooks/wh_x'],
      ['PATCH', '/v1/webhooks/wh_x'], ['POST', '/v1/webhooks/wh_x/secret'],
    ] as const;
    for (const [method, url] of routes) {
      expect((await api.request({ method, url, as: null })).statusCode, `${method} ${url}`).toBe(401);
      const forbidden = await api.request({ method, url, as: 'read', ...(method !== 'GET' && method !== 'DELETE' ? { payload: { url: receiver.url } } : {}) });
      expect(forbidden.statusCode, `${method} ${url}`).toBe(403);
      expect(forbidden.json()).toMatchObject({ code: 'SCOPE_MISSING' });
    }
    expect((await api.request({ method: 'GET', url: '/v1/webhooks/wh_000000000000', as: 'operate' })).statusCode).toBe(404);
    expect((await api.request({ method: 'PATCH', url: '/v1/webhooks/wh_000000000000', as: 'operate', payload: { description: 'x' } })).statusCode).toBe(404);
    expect((await api.request({ method: 'POST', url: '/v1/webhooks/wh_000000000000/secret', as: 'operate', payload: {} })).statusCode).toBe(404);
    expect((await api.request({ method: 'GET', url: '/v1/webhooks/dead-letters?subscription=wh_000000000000', as: 'operate' })).statusCode).toBe(404);
    const noLetter = await api.request({ method: 'POST', url: '/v1/webhooks/dead-letters/999999/redeliver', as: 'operate' });
    expect(noLetter.statusCode).toBe(404);
    expect(noLetter.json<{ detail: string }>().detail).toContain('Dead letter "999999" does not exist');
  });

  it('lists dead letters by subscription and status; redeliver answers 502 while the receiver fails, then delivers and marks it', async () => {
    const created = (await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { url: receiver.url } })).json<Subscription>();
    receiver.secret = created.secret ?? '';
    const event = toCloudEvent({
      id: 'revision-77', seq: 77, type: observationChangedEvent, subject: 'DVC_DOSSIERS_NEW/91/2025-08', time: '2025-09-01T00:00:00.000Z',
      data: { indicator: 'DVC_DOSSIERS_NEW', unit: { code: '91' }, value: '12' },
    }, 'urn:lgsp-connect:test');
    const body = JSON.stringify(event);
    // What the dispatcher writes after the last attempt.
    await writeDeadLetter(api.t.db, {
      subscriptionId: created.id, streamEntryId: '1-0', eventId: event.id, eventType: event.type, subject: event.subject, body, attempts: 8, lastStatus: 500, lastError: 'HTTP 500',
    });
    const listed = await api.request({ method: 'GET', url: `/v1/webhooks/dead-letters?subscription=${created.id}&status=pending`, as: 'operate' });
    expect(listed.statusCode).toBe(200);
    const [dead] = listed.json<DeadLetterView[]>();
    expect(dead).toMatchObject({ subscriptionId: created.id, eventId: 'revision-77', attempts: 8, lastStatus: 500, redeliveredAt: null, event });
    const id = dead?.id ?? 0;

    receiver.respond = () => 503;
    const failing = await api.request({ method: 'POST', url: `/v1/webhooks/dead-letters/${id}/redeliver`, as: 'operate' });
    expect(failing.statusCode).toBe(502);
    expect(failing.json()).toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED' });
    expect(failing.json<{ detail: string }>().detail).toContain('HTTP 503');

    receiver.respond = () => 204;
    const redelivered = await api.request({ method: 'POST', url: `/v1/webhooks/dead-letters/${id}/redeliver`, as: 'operate' });
    expect(redelivered.statusCode).toBe(200);
    expect(redelivered.json()).toMatchObject({ delivered: true, status: 204, deadLetter: { id, attempts: 9, lastStatus: 503 } });
    expect(redelivered.json<{ deadLetter: DeadLetterView }>().deadLetter.redeliveredAt).not.toBeNull();
    // The receiver verified the signature with the secret the creation returned, and got the body as first sent.
    expect(receiver.rejected).toEqual([]);
    expect(receiver.received.map((d) => [d.eventId, d.body])).toEqual([[event.id, body], [event.id, body]]);

    expect((await api.request({ method: 'GET', url: `/v1/webhooks/dead-letters?subscription=${created.id}&status=pending`, as: 'operate' })).json()).toEqual([]);
    expect((await api.request({ method: 'GET', url: '/v1/webhooks/dead-letters?status=redelivered', as: 'operate' })).json<DeadLetterView[]>().map((d) => d.id)).toEqual([id]);
    expect((await api.request({ method: 'GET', url: `/v1/webhooks/${created.id}`, as: 'operate' })).json()).toMatchObject({ failedAttempts: 1, deadLetters: 0 });
  });

  it('edits a subscription (the lists given replace the old ones; 400 names a bad field) and rotates its secret with a grace period', async () => {
    const created = (await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { url: receiver.url, indicators: ['DVC_DOSSIERS_NEW'], units: ['91'] } })).json<Subscription>();
    const edited = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, as: 'operate', payload: { description: 'an Giang dashboard', units: ['91', '40'] } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: created.id, url: receiver.url, description: 'an Giang dashboard', indicators: ['DVC_DOSSIERS_NEW'], units: ['91', '40'], previousSecretExpiresAt: null });
    expect(edited.body).not.toContain(created.secret);
    const cleared = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, as: 'operate', payload: { indicators: [], description: null } });
    expect(cleared.json()).toMatchObject({ indicators: [], units: ['91', '40'], description: null });

    const unknown = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, as: 'operate', payload: { units: ['40', '999'] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body.units.1' }] });
    const badUrl = await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, as: 'operate', payload: { url: 'not a url' } });
    expect(badUrl.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'body.url' })] });
    expect((await api.request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, as: 'operate', payload: {} })).statusCode).toBe(400);
    const badGrace = await api.request({ method: 'POST', url: `/v1/webhooks/${created.id}/secret`, as: 'operate', payload: { graceHours: -1 } });
    expect(badGrace.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'body.graceHours' })] });

    // A dead letter to redeliver: signed like any delivery.
    const event = toCloudEvent({ id: 'revision-88', seq: 88, type: observationChangedEvent, subject: 'DVC_DOSSIERS_NEW/91/2025-08', time: '2025-09-01T00:00:00.000Z', data: { indicator: 'DVC_DOSSIERS_NEW' } }, 'urn:lgsp-connect:test');
    await writeDeadLetter(api.t.db, { subscriptionId: created.id, streamEntryId: '2-0', eventId: event.id, eventType: event.type, subject: event.subject, body: JSON.stringify(event), attempts: 8, lastStatus: 500, lastError: 'HTTP 500' });
    const deadId = (await api.request({ method: 'GET', url: `/v1/webhooks/dead-letters?subscription=${created.id}`, as: 'operate' })).json<DeadLetterView[]>()[0]?.id ?? 0;
    const redeliver = async () => {
      expect((await api.request({ method: 'POST', url: `/v1/webhooks/dead-letters/${deadId}/redeliver`, as: 'operate' })).statusCode).toBe(200);
      const last = receiver.received.at(-1);
      return { signature: last?.signature ?? '', body: last?.body ?? '', headers: last?.headers ?? {} };
    };
    receiver.respond = () => 200;
    receiver.secret = created.secret ?? '';

    const rotated = await api.request({ method: 'POST', url: `/v1/webhooks/${created.id}/secret`, as: 'operate', payload: {} });
    expect(rotated.statusCode).toBe(200);
    const { secret, previousSecretExpiresAt } = rotated.json<{ secret: string; previousSecretExpiresAt: string }>();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    expect(Date.parse(previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect((await api.request({ method: 'GET', url: `/v1/webhooks/${created.id}`, as: 'operate' })).json()).toMatchObject({ previousSecretExpiresAt });
    // Within the grace period a delivery verifies with either secret: the receiver still on the old one accepts it.
    const during = await redeliver();
    expect(during.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(created.secret ?? '', during.signature, during.body)).toBe(true);
    expect(verifyWebhookSignature(secret, during.signature, during.body)).toBe(true);
    expect(standardWebhooksProblem(created.secret ?? '', during.body, during.headers)).toBeNull();
    expect(standardWebhooksProblem(secret, during.body, during.headers)).toBeNull();

    // A leaked secret: rotate with no grace, and the old ones stop verifying at once.
    const urgent = (await api.request({ method: 'POST', url: `/v1/webhooks/${created.id}/secret`, as: 'operate', payload: { graceHours: 0 } })).json<{ secret: string; previousSecretExpiresAt: string | null }>();
    expect(urgent.previousSecretExpiresAt).toBeNull();
    receiver.secret = urgent.secret;
    const after = await redeliver();
    expect(after.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(urgent.secret, after.signature, after.body)).toBe(true);
    expect(verifyWebhookSignature(secret, after.signature, after.body)).toBe(false);
    expect(verifyWebhookSignature(created.secret ?? '', after.signature, after.body)).toBe(false);
    expect(standardWebhooksProblem(urgent.secret, after.body, after.headers)).toBeNull();
    expect(standardWebhooksProblem(secret, after.body, after.headers)).toBe('standard: No matching signature found');
    expect((await api.request({ method: 'GET', url: `/v1/webhooks/${created.id}`, as: 'operate' })).json()).toMatchObject({ previousSecretExpiresAt: null });
  });
});
