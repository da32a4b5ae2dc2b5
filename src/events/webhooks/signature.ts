import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Deliveries are signed twice over: the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`; https://www.standardwebhooks.com), which receivers verify with the specification's libraries,
 * and our own older `X-Lgsp-Signature` / `X-Lgsp-Event-Id`, deprecated, sent until `legacyHeadersRemovedAfter`.
 */
export const legacyHeadersRemovedAfter = '2027-06-30';

/** Deprecated: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the secret's text as UTF-8. */
export const signatureHeader = 'x-lgsp-signature';
/** Deprecated: the CloudEvent id, as `webhook-id` carries it. */
export const eventIdHeader = 'x-lgsp-event-id';

const secretPrefix = 'whsec_';

/** How far a signature's timestamp may be from the receiver's clock, by default (5 minutes). */
export const defaultToleranceSeconds = 300;

/**
 * A new signing secret in the Standard Webhooks form: `whsec_` and 256 random bits in base64. (Secrets issued before
 * Standard Webhooks are in URL-safe base64 instead: `standardWebhooksSecret` gives their standard spelling.)
 */
export function newWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64')}`;
}

/** The Standard Webhooks HMAC key of a secret: the bytes its base64 after `whsec_` spells (either base64 alphabet). */
function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
}

/** A secret as the Standard Webhooks libraries take it: the same key, in standard padded base64 after `whsec_`. */
export function standardWebhooksSecret(secret: string): string {
  return `${secretPrefix}${standardKey(secret).toString('base64')}`;
}

/**
 * The headers that sign `body` sent at `now` as event `eventId`: Standard Webhooks and the deprecated ones. One
 * signature per secret in each (two while a rotated-out secret is still honoured): `webhook-signature` lists them
 * space-separated, `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 */
export function signatureHeaders(eventId: string, secrets: readonly string[], body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const standard = secrets.map((secret) =>
    `v1,${createHmac('sha256', standardKey(secret)).update(`${eventId}.${timestamp}.`).update(body).digest('base64')}`);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standard.join(' '),
    [signatureHeader]: signWebhook(secrets, body, now),
    [eventIdHeader]: eventId,
  };
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The deprecated signature header's value for `body` sent at `now`: one `v1` per secret (two while a rotated-out
 * secret is still honoured). The timestamp is signed with the body, so it cannot be changed alone.
 */
export function signWebhook(secrets: string | readonly string[], body: string | Buffer, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return [`t=${t}`, ...(typeof secrets === 'string' ? [secrets] : secrets).map((secret) => `v1=${hmacHex(secret, t, body)}`)].join(',');
}

export type SignatureProblem = 'malformed' | 'timestamp_out_of_tolerance' | 'signature_mismatch';

export interface VerifyOptions {
  /** How far the timestamp may be from `now`, either way; older deliveries are refused as replays. Default 300. */
  readonly toleranceSeconds?: number;
  /** The receiver's clock; default the current time. */
  readonly now?: Date;
}

/**
 * Why a delivery's signature does not hold, or null when it does. `body` must be the raw request body, byte for
 * byte, before any JSON parsing. Several `v1=` values are accepted (any one matching is enough).
 */
export function webhookSignatureProblem(secret: string, header: string | undefined, body: string | Buffer, options: VerifyOptions = {}): SignatureProblem | null {
  if (header === undefined) return 'malformed';
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return 'malformed';
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > tolerance) return 'timestamp_out_of_tolerance';
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return signatures.some((s) => timingSafeEqual(s, expected)) ? null : 'signature_mismatch';
}

/**
 * Whether a webhook delivery is authentic and fresh: for receivers (and tests). Checks the HMAC-SHA256 over
 * `"<t>.<body>"` in constant time and that `t` is within `toleranceSeconds` of `now` (replays of old deliveries
 * fail). Within the tolerance a replay still verifies: drop duplicates by the `X-Lgsp-Event-Id`.
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string | Buffer, options: VerifyOptions = {}): boolean {
  return webhookSignatureProblem(secret, header, body, options) === null;
}
