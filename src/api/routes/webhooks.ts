import { z } from 'zod';
import { auditObjectId } from '../../audit/api-recorder.js';
import { egressPolicy } from '../../boundary/egress.js';
import { NotFoundError, type ErrorCode } from '../../errors.js';
import { listDeadLetters, redeliverDeadLetter, type DeadLetter } from '../../events/webhooks/dead-letters.js';
import { attemptFailure } from '../../events/webhooks/delivery.js';
import { webhookEventTypes } from '../../events/webhooks/filter.js';
import { legacyHeadersRemovedAfter } from '../../events/webhooks/signature.js';
import {
  checkSubscriptionFilter, checkSubscriptionUrl, createWebhookSubscription, deleteWebhookSubscription, getWebhookSubscriptionSummary, listWebhookSubscriptions,
  rotateWebhookSecret, updateWebhookSubscription, type WebhookSubscriptionChange, type WebhookSubscriptionSummary,
} from '../../events/webhooks/subscriptions.js';
import { ApiProblem, problemResponses } from '../problem.js';
import type { ApiRoutes } from './index.js';

const filterList = (what: string) => z.array(z.string().min(1).max(100)).max(200).describe(`${what}; empty or absent: all`);

const subscriptionFields = {
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  indicators: z.array(z.string()),
  units: z.array(z.string()),
  createdAt: z.string(),
  previousSecretExpiresAt: z.string().nullable().describe('After a secret rotation: until when the old secret still signs (a second v1); null when it no longer does'),
  failedAttempts: z.number().int().describe('Failed delivery attempts so far (network errors, timeouts, non-2xx)'),
  lastFailureAt: z.string().nullable(),
  lastFailure: z.string().nullable(),
  deadLetters: z.number().int().describe('Dead letters waiting for a redelivery'),
};
const subscriptionSchema = z.object(subscriptionFields).meta({ id: 'WebhookSubscription' });
const createdSchema = z.object({
  ...subscriptionFields,
  secret: z.string().describe('The signing secret (`whsec_` + base64), shown this once: verify the Standard Webhooks headers with it (docs/webhooks.md)'),
}).meta({ id: 'WebhookSubscriptionCreated' });
const deadLetterSchema = z.object({
  id: z.number().int(),
  subscriptionId: z.string(),
  streamEntryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  subject: z.string(),
  event: z.record(z.string(), z.unknown()).describe('The CloudEvent as it was sent'),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  failedAt: z.string(),
  redeliveredAt: z.string().nullable(),
}).meta({ id: 'WebhookDeadLetter' });

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function subscriptionView(s: WebhookSubscriptionSummary) {
  return {
    id: s.id, url: s.url, description: s.description, eventTypes: [...s.eventTypes], indicators: [...s.indicators], units: [...s.units],
    createdAt: s.createdAt.toISOString(), previousSecretExpiresAt: iso(s.previousSecretExpiresAt), failedAttempts: s.failedAttempts, lastFailureAt: iso(s.lastFailureAt), lastFailure: s.lastFailure, deadLetters: s.deadLetters,
  };
}

function deadLetterView(d: DeadLetter) {
  return { ...d, event: { ...d.event }, failedAt: d.failedAt.toISOString(), redeliveredAt: iso(d.redeliveredAt) };
}

const subscriptionBody = {
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).max(2000),
  description: z.string().max(500).nullable().optional(),
  eventTypes: filterList('Event types').optional(),
  indicators: filterList('Indicator codes').optional(),
  units: filterList('Administrative unit codes (exact: a province does not include its communes)').optional(),
};

const notFound = (id: string) => new NotFoundError('Webhook subscription', id, 'GET /v1/webhooks lists the subscriptions.');

/**
 * Webhook subscriptions (operators): each receives the change events its filter wants as signed CloudEvents
 * POSTs, in order, at least once (`npm run webhooks` delivers them); dead letters and their redelivery.
 */
export const webhookRoutes: ApiRoutes = async (app, { deps }) => {
  const security = [{ apiKey: [] }];
  const tags = ['webhooks'];
  const stream = { key: deps.config.events.stream, groupPrefix: deps.config.queue.prefix };
  const egress = egressPolicy(deps.config.boundary);
  const fieldsProblem = (code: ErrorCode, problems: readonly { field: string; message: string }[]) => {
    const errors = problems.map((p) => ({ field: `body.${p.field}`, message: p.message }));
    return new ApiProblem(code, `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  };
  /** The URL within the egress policy (EGRESS_REFUSED), then a filter of known types, indicators and units. */
  const requireValid = async (input: WebhookSubscriptionChange) => {
    const refused = await checkSubscriptionUrl(input.url, egress);
    if (refused.length > 0) throw fieldsProblem('EGRESS_REFUSED', refused);
    const problems = await checkSubscriptionFilter(deps.db, input);
    if (problems.length > 0) throw fieldsProblem('VALIDATION_FAILED', problems);
  };

  app.post('/v1/webhooks', {
    config: { scope: 'operate', audit: { action: 'webhook.create', object: 'webhook' } },
    schema: {
      tags, security,
      summary: 'Subscribe a URL to change events; the response is the only time the signing secret is shown',
      description: 'Events published from now on that match every non-empty filter are POSTed to `url` as structured CloudEvents '
        + '(`application/cloudevents+json`), in stream order, at least once (drop duplicates by `webhook-id`), signed '
        + 'as Standard Webhooks say (`webhook-id`, `webhook-timestamp`, `webhook-signature`: verify with a Standard Webhooks library and the secret; '
        + `the older X-Lgsp-Signature is deprecated and sent until ${legacyHeadersRemovedAfter}). A 2xx answer acknowledges; `
        + `anything else is retried with backoff (LGSP_WEBHOOK_MAX_ATTEMPTS attempts), then kept as a dead letter. Event types: ${webhookEventTypes.join(', ')}. `
        + 'The URL must reach a public address (no loopback, private, link-local or metadata host, no credentials in it) unless the host operator allows it in LGSP_EGRESS_ALLOW: otherwise 400 EGRESS_REFUSED naming `body.url`. Failures are recorded as the status or a class (`HTTP 500`, `timeout`, `connection refused`, `egress refused`), never what the receiver wrote.',
      body: z.strictObject(subscriptionBody),
      response: { 201: createdSchema, ...problemResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    await requireValid(request.body);
    const created = await createWebhookSubscription(deps.db, deps.redis, stream, request.body);
    auditObjectId(request, created.id);
    const summary = await getWebhookSubscriptionSummary(deps.db, created.id);
    if (!summary) throw notFound(created.id);
    return reply.code(201).send({ ...subscriptionView(summary), secret: created.secret });
  });

  app.get('/v1/webhooks', {
    config: { scope: 'operate' },
    schema: { tags, security, summary: 'Every subscription (never its secret), with its failure counts', response: { 200: z.array(subscriptionSchema), ...problemResponses(401, 403) } },
  }, async () => (await listWebhookSubscriptions(deps.db)).map(subscriptionView));

  app.get('/v1/webhooks/dead-letters', {
    config: { scope: 'operate' },
    schema: {
      tags, security, summary: 'Events given up on after their last attempt, newest first',
      querystring: z.object({
        subscription: z.string().optional().describe('Only this subscription\'s'),
        status: z.enum(['pending', 'redelivered', 'all']).default('all').describe('pending: not yet redelivered'),
        before: z.coerce.number().int().positive().optional().describe('The next page: the last id of this one'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.array(deadLetterSchema), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const q = request.query;
    if (q.subscription !== undefined && !(await getWebhookSubscriptionSummary(deps.db, q.subscription))) throw notFound(q.subscription);
    const pending = q.status === 'all' ? undefined : q.status === 'pending';
    return (await listDeadLetters(deps.db, { subscriptionId: q.subscription, pending, before: q.before, limit: q.limit })).map(deadLetterView);
  });

  app.post('/v1/webhooks/dead-letters/:id/redeliver', {
    config: { scope: 'operate', audit: { action: 'webhook.deadletter.redeliver', object: 'dead_letter', idParam: 'id' } },
    schema: {
      tags, security,
      summary: 'Deliver a dead letter once, now; on success it is marked redelivered',
      description: 'The same body and event id, signed afresh. A receiver that still fails answers 502 and the dead letter stays pending.',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: { 200: z.object({ delivered: z.literal(true), status: z.number().int(), ms: z.number(), deadLetter: deadLetterSchema }), ...problemResponses(400, 401, 403, 404, 502) },
    },
  }, async (request) => {
    const outcome = await redeliverDeadLetter(deps.db, request.params.id, { timeoutMs: deps.config.webhooks.timeoutMs, egress });
    if (!outcome) throw new NotFoundError('Dead letter', String(request.params.id), 'GET /v1/webhooks/dead-letters lists them.');
    const { deadLetter, result } = outcome;
    if (!result.ok || result.status === null) {
      // What the receiver wrote stays in the server log: the caller sees the status or the failure class only.
      request.log.warn({ deadLetter: deadLetter.id, status: result.status, err: result.error, detail: result.detail }, 'webhook redelivery failed');
      const next = result.error === attemptFailure.egressRefused
        ? `the subscription's URL is refused by the egress policy: change it (PATCH /v1/webhooks/${deadLetter.subscriptionId}), or the host operator allows its host in LGSP_EGRESS_ALLOW, then redeliver again`
        : 'fix the receiver and redeliver again';
      throw new ApiProblem('WEBHOOK_DELIVERY_FAILED', `The receiver did not accept the event: ${result.error ?? 'failed'}. The dead letter stays pending (${deadLetter.attempts} attempts now); ${next}.`);
    }
    return { delivered: true as const, status: result.status, ms: result.ms, deadLetter: deadLetterView(deadLetter) };
  });

  app.get('/v1/webhooks/:id', {
    config: { scope: 'operate' },
    schema: { tags, security, summary: 'One subscription (never its secret)', params: z.object({ id: z.string() }), response: { 200: subscriptionSchema, ...problemResponses(401, 403, 404) } },
  }, async (request) => {
    const found = await getWebhookSubscriptionSummary(deps.db, request.params.id);
    if (!found) throw notFound(request.params.id);
    return subscriptionView(found);
  });

  app.patch('/v1/webhooks/:id', {
    config: { scope: 'operate', audit: { action: 'webhook.update', object: 'webhook', idParam: 'id' } },
    schema: {
      tags, security,
      summary: 'Change a subscription\'s URL, description or filter; the lists given replace the old ones',
      description: 'Applies from the next event the dispatcher takes; its position in the stream and its pending events stay as they were.',
      params: z.object({ id: z.string() }),
      body: z.strictObject(subscriptionBody).partial().refine((b) => Object.keys(b).length > 0, { message: 'give at least one of url, description, eventTypes, indicators, units' }),
      response: { 200: subscriptionSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    await requireValid(request.body);
    if (!(await updateWebhookSubscription(deps.db, request.params.id, request.body))) throw notFound(request.params.id);
    const summary = await getWebhookSubscriptionSummary(deps.db, request.params.id);
    if (!summary) throw notFound(request.params.id);
    return subscriptionView(summary);
  });

  app.post('/v1/webhooks/:id/secret', {
    config: { scope: 'operate', audit: { action: 'webhook.secret.rotate', object: 'webhook', idParam: 'id' } },
    schema: {
      tags, security,
      summary: 'Rotate the signing secret; the response is the only time the new one is shown',
      description: 'Deliveries are signed with the new secret and, for `graceHours`, also with the old one (two signatures in `webhook-signature`), '
        + 'so the receiver keeps accepting them while it switches. `graceHours: 0` stops signing with the old secret at once (a leaked secret).',
      params: z.object({ id: z.string() }),
      body: z.strictObject({ graceHours: z.number().int().min(0).max(168).default(24).describe('How long the old secret still signs; default 24') }).default({ graceHours: 24 }),
      response: {
        200: z.object({ id: z.string(), secret: z.string(), previousSecretExpiresAt: z.string().nullable() }).meta({ id: 'WebhookSecretRotated' }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const rotated = await rotateWebhookSecret(deps.db, request.params.id, request.body.graceHours);
    if (!rotated) throw notFound(request.params.id);
    return { id: request.params.id, secret: rotated.secret, previousSecretExpiresAt: iso(rotated.previousSecretExpiresAt) };
  });

  app.delete('/v1/webhooks/:id', {
    config: { scope: 'operate', audit: { action: 'webhook.delete', object: 'webhook', idParam: 'id' } },
    schema: {
      tags, security, summary: 'Unsubscribe: no further deliveries (one under way may finish); its dead letters go with it',
      params: z.object({ id: z.string() }), response: { 204: z.null(), ...problemResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    if (!(await deleteWebhookSubscription(deps.db, request.params.id))) throw notFound(request.params.id);
    return reply.code(204).send(null);
  });
};

