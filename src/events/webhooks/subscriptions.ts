import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { checkOutboundUrl, describeRefusal, type EgressPolicy } from '../../boundary/egress.js';
import type { Db } from '../../warehouse/database.js';
import type { DeliveryTarget } from './delivery.js';
import type { WebhookFilter } from './filter.js';
import { webhookEventTypes } from './filter.js';
import { newWebhookSecret } from './signature.js';
import { ensureGroup, lastEntryId, type WebhookStream } from './stream-groups.js';
import { normaliseWebhookUrl } from './webhook-url.js';

/** A subscription as the dispatcher uses it (with its secrets: never shown after creation or rotation). */
export interface WebhookSubscription extends WebhookFilter, DeliveryTarget {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly secret: string;
  readonly previousSecret: { readonly secret: string; readonly expiresAt: Date } | null;
  /** The stream entry it starts after. */
  readonly streamStartId: string;
  readonly createdAt: Date;
}

/** A subscription as the API shows it: no secret, with its failure counts. */
export interface WebhookSubscriptionSummary extends WebhookFilter {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly createdAt: Date;
  /** Until when the secret replaced by the last rotation still signs; null when none does. */
  readonly previousSecretExpiresAt: Date | null;
  readonly failedAttempts: number;
  readonly lastFailureAt: Date | null;
  readonly lastFailure: string | null;
  /** Dead letters not yet redelivered. */
  readonly deadLetters: number;
}

/** What a subscription's owner chooses: where, and which events. */
export interface WebhookSubscriptionFields {
  readonly url: string;
  readonly description?: string | null | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly indicators?: readonly string[] | undefined;
  readonly units?: readonly string[] | undefined;
}

export type NewWebhookSubscription = WebhookSubscriptionFields;

/** A change to a subscription: the fields given are replaced, the others kept. */
export type WebhookSubscriptionChange = { readonly [K in keyof WebhookSubscriptionFields]?: WebhookSubscriptionFields[K] | undefined };

const unique = (list: readonly string[] | undefined) => [...new Set(list ?? [])];

/**
 * What is wrong with a subscription's URL for the egress policy, when it is stored (created or changed): an
 * internal address or a name resolving to one, a metadata name, credentials in the URL. Deliveries are checked
 * again when they connect; this is the early word.
 */
export async function checkSubscriptionUrl(url: string | undefined, egress: EgressPolicy): Promise<{ field: string; message: string }[]> {
  if (url === undefined) return [];
  const refusal = await checkOutboundUrl(url, egress);
  return refusal === null ? [] : [{ field: 'url', message: describeRefusal(refusal) }];
}

/**
 * What is wrong with a new subscription's filter: unknown event types, indicators or unit codes, each with its
 * field (`eventTypes.1`), so a typo is refused instead of silently matching nothing.
 */
export async function checkSubscriptionFilter(db: Db, input: WebhookSubscriptionChange): Promise<{ field: string; message: string }[]> {
  const problems: { field: string; message: string }[] = [];
  (input.eventTypes ?? []).forEach((type, i) => {
    if (!(webhookEventTypes as readonly string[]).includes(type)) problems.push({ field: `eventTypes.${i}`, message: `unknown event type "${type}"; known: ${webhookEventTypes.join(', ')}` });
  });
  const indicators = unique(input.indicators);
  if (indicators.length > 0) {
    const known = new Set((await db.selectFrom('indicator').select('code').where('code', 'in', indicators).execute()).map((r) => r.code));
    (input.indicators ?? []).forEach((code, i) => {
      if (!known.has(code)) problems.push({ field: `indicators.${i}`, message: `unknown indicator "${code}" (the catalogue lists them: lgsp catalogue)` });
    });
  }
  const units = unique(input.units);
  if (units.length > 0) {
    const known = new Set((await db.selectFrom('admin_unit').select('code').distinct().where('code', 'in', units).execute()).map((r) => r.code));
    (input.units ?? []).forEach((code, i) => {
      if (!known.has(code)) problems.push({ field: `units.${i}`, message: `unknown administrative unit code "${code}"` });
    });
  }
  return problems;
}

/**
 * Creates a subscription starting at the stream's current end: it receives the events published from now on.
 * Its consumer group is created at that position at once (the dispatcher would create it there too), so nothing
 * published between this call and the dispatcher noticing is missed. Returns it with its secret, the only time.
 */
export async function createWebhookSubscription(db: Db, redis: Redis, stream: WebhookStream, input: NewWebhookSubscription): Promise<WebhookSubscription> {
  const id = `wh_${randomBytes(6).toString('hex')}`;
  const startId = await lastEntryId(redis, stream.key);
  const row = await db
    .insertInto('webhook_subscription')
    .values({
      id, url: normaliseWebhookUrl(input.url), description: input.description ?? null, secret: newWebhookSecret(), stream_start_id: startId,
      event_types: unique(input.eventTypes), indicators: unique(input.indicators), units: unique(input.units),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  try {
    await ensureGroup(redis, stream, id, startId);
  } catch (error) {
    await db.deleteFrom('webhook_subscription').where('id', '=', id).execute();
    throw error;
  }
  return toSubscription(row);
}

interface SubscriptionRow {
  id: string; url: string; description: string | null; event_types: string[]; indicators: string[]; units: string[];
  secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null; stream_start_id: string; created_at: Date;
}

function toSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id, url: r.url, description: r.description, eventTypes: r.event_types, indicators: r.indicators, units: r.units,
    secret: r.secret, streamStartId: r.stream_start_id, createdAt: r.created_at,
    previousSecret: r.previous_secret !== null && r.previous_secret_expires_at !== null ? { secret: r.previous_secret, expiresAt: r.previous_secret_expires_at } : null,
  };
}

/** Every subscription with its secret: what the dispatcher serves. */
export async function loadWebhookSubscriptions(db: Db): Promise<WebhookSubscription[]> {
  return (await db.selectFrom('webhook_subscription').selectAll().orderBy('created_at').orderBy('id').execute()).map(toSubscription);
}

export async function getWebhookSubscription(db: Db, id: string): Promise<WebhookSubscription | undefined> {
  const row = await db.selectFrom('webhook_subscription').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubscription(row);
}

function summaryQuery(db: Db) {
  return db
    .selectFrom('webhook_subscription as s')
    .select((eb) => [
      's.id', 's.url', 's.description', 's.event_types', 's.indicators', 's.units', 's.created_at', 's.failed_attempts', 's.last_failure_at', 's.last_failure',
      sql<Date | null>`case when s.previous_secret_expires_at > now() then s.previous_secret_expires_at end`.as('previous_secret_expires_at'),
      eb.selectFrom('webhook_dead_letter as d').select((e) => e.fn.countAll<number>().as('n')).whereRef('d.subscription_id', '=', 's.id').where('d.redelivered_at', 'is', null).as('dead_letters'),
    ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: SummaryRow): WebhookSubscriptionSummary {
  return {
    id: r.id, url: r.url, description: r.description, eventTypes: r.event_types, indicators: r.indicators, units: r.units, createdAt: r.created_at,
    previousSecretExpiresAt: r.previous_secret_expires_at, failedAttempts: r.failed_attempts, lastFailureAt: r.last_failure_at, lastFailure: r.last_failure, deadLetters: r.dead_letters ?? 0,
  };
}

export async function listWebhookSubscriptions(db: Db): Promise<WebhookSubscriptionSummary[]> {
  return (await summaryQuery(db).orderBy('s.created_at').orderBy('s.id').execute()).map(toSummary);
}

export async function getWebhookSubscriptionSummary(db: Db, id: string): Promise<WebhookSubscriptionSummary | undefined> {
  const row = await summaryQuery(db).where('s.id', '=', id).executeTakeFirst();
  return row && toSummary(row);
}

/**
 * Changes a subscription's URL, description or filter (the lists given replace the old ones); false when there is
 * none. The dispatcher hears of it (NOTIFY) and uses the change from the next event on; the stream position and
 * anything pending stay as they were.
 */
export async function updateWebhookSubscription(db: Db, id: string, change: WebhookSubscriptionChange): Promise<boolean> {
  const r = await db
    .updateTable('webhook_subscription')
    .set({
      ...(change.url !== undefined ? { url: normaliseWebhookUrl(change.url) } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.eventTypes !== undefined ? { event_types: unique(change.eventTypes) } : {}),
      ...(change.indicators !== undefined ? { indicators: unique(change.indicators) } : {}),
      ...(change.units !== undefined ? { units: unique(change.units) } : {}),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Gives a subscription a new signing secret, returned this once. The secret it replaces keeps signing beside it
 * (a second `v1`) for `graceHours`, so the receiver can switch without refusing a delivery; 0 drops it at once.
 * Undefined when there is no such subscription.
 */
export async function rotateWebhookSecret(db: Db, id: string, graceHours: number): Promise<{ secret: string; previousSecretExpiresAt: Date | null } | undefined> {
  const secret = newWebhookSecret();
  const row = await db
    .updateTable('webhook_subscription')
    .set({
      secret,
      previous_secret: graceHours > 0 ? sql<string>`secret` : null,
      previous_secret_expires_at: graceHours > 0 ? sql<Date>`now() + make_interval(hours => ${graceHours})` : null,
    })
    .where('id', '=', id)
    .returning('previous_secret_expires_at')
    .executeTakeFirst();
  return row && { secret, previousSecretExpiresAt: row.previous_secret_expires_at };
}

/**
 * Removes a subscription and its dead letters; false when there is none. The dispatcher hears of it (NOTIFY),
 * stops serving it and destroys its consumer group.
 */
export async function deleteWebhookSubscription(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('webhook_subscription').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Counts a failed attempt (for monitoring); `failure` says what went wrong. */
export async function recordAttemptFailure(db: Db, id: string, failure: string): Promise<void> {
  await db
    .updateTable('webhook_subscription')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), last_failure_at: new Date(), last_failure: failure.slice(0, 1000) }))
    .where('id', '=', id)
    .execute();
}
