import { setTimeout as sleep } from 'node:timers/promises';
import { describeRefusal, findEgressRefusal, type EgressPolicy } from '../../boundary/egress.js';
import { postOnce } from './post-once.js';
import { signatureHeaders } from './signature.js';

export interface DeliveryOptions {
  /** Attempts per event, the first included, before it goes to the dead letters. */
  readonly maxAttempts: number;
  /** Each attempt's time limit (connect, send, response headers and the start of its body). */
  readonly timeoutMs: number;
  /** The delay before the second attempt; it doubles for each further one, up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** Where and how to deliver: a subscription's URL and secret. */
export interface DeliveryTarget {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  /** A rotated-out secret that still signs, beside the new one, until it expires. */
  readonly previousSecret?: { readonly secret: string; readonly expiresAt: Date } | null;
}

/** The secrets a delivery at `now` is signed with: the current one, and the previous one until it expires. */
export function signingSecrets(target: DeliveryTarget, now: Date): string[] {
  const previous = target.previousSecret;
  return previous && previous.expiresAt > now ? [target.secret, previous.secret] : [target.secret];
}

/** One event to deliver: its CloudEvent id and the structured CloudEvent JSON, sent byte for byte. */
export interface WebhookMessage {
  readonly eventId: string;
  readonly body: string;
}

/**
 * What a failed attempt is called where API callers see it (subscriptions, dead letters, redeliveries): the status,
 * or one of these classes. Never an address, a port or what a receiver wrote: those would let a caller map the
 * network behind this host. The details go to the server log (`detail`).
 */
export const attemptFailure = {
  egressRefused: 'egress refused',
  timeout: 'timeout',
  connectionRefused: 'connection refused',
  connectionReset: 'connection reset',
  hostNotFound: 'host not found',
  tls: 'TLS error',
  network: 'network error',
} as const;

export interface AttemptResult {
  readonly ok: boolean;
  /** The receiver's HTTP status; null when none came (network error, timeout). */
  readonly status: number | null;
  /** What went wrong, for dead letters and the API: `HTTP 500` or an attemptFailure class; null on success. */
  readonly error: string | null;
  /** For the server log only: the receiver's body excerpt, the network error, the refusal. */
  readonly detail: string | null;
  /** Retrying cannot help (the egress policy refused it): the event goes to the dead letters at once. */
  readonly permanent: boolean;
  /** What the receiver asked for with Retry-After (429, 503), in milliseconds. */
  readonly retryAfterMs: number | null;
  readonly ms: number;
}

export const contentType = 'application/cloudevents+json; charset=utf-8';
const userAgent = 'lgsp-connect-webhooks/1';

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** The class of a network failure (see attemptFailure). */
function failureClass(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return attemptFailure.timeout;
  const code = errorCode(error) ?? '';
  if (code === 'ECONNREFUSED') return attemptFailure.connectionRefused;
  if (code === 'ECONNRESET' || code === 'EPIPE' || (error instanceof Error && error.message === 'socket hang up')) return attemptFailure.connectionReset;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return attemptFailure.hostNotFound;
  if (/^ERR_TLS|^ERR_SSL|CERT|^DEPTH_ZERO/.test(code)) return attemptFailure.tls;
  return attemptFailure.network;
}

const failed = (error: string, detail: string, elapsed: number, permanent = false): AttemptResult =>
  ({ ok: false, status: null, error, detail, permanent, retryAfterMs: null, ms: elapsed });

/**
 * One delivery attempt: POSTs the structured CloudEvent, signed now (Standard Webhooks `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, and the deprecated `X-Lgsp-Signature`, `X-Lgsp-Event-Id`). Success is
 * a 2xx; redirects are not followed (a moved receiver is re-subscribed, not chased). It goes through the egress policy: a receiver on an internal address is refused before connecting, and
 * that is permanent. Never throws: a network error or timeout is a failed attempt.
 */
export async function attemptDelivery(target: DeliveryTarget, message: WebhookMessage, options: { readonly timeoutMs: number; readonly egress: EgressPolicy }): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const now = new Date();
  // Subscriptions stored before the policy (or while it allowed more) are checked here too.
  const early = options.egress.checkUrl(target.url);
  if (early !== null) return failed(attemptFailure.egressRefused, describeRefusal(early), elapsed(), true);
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await postOnce(new URL(target.url), {
      agents: options.egress.agents,
      signal,
      headers: {
        'content-type': contentType,
        'user-agent': userAgent,
        ...signatureHeaders(message.eventId, signingSecrets(target, now), message.body, now),
        'x-lgsp-subscription-id': target.id,
      },
      body: message.body,
    });
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, status: response.status, error: null, detail: null, permanent: false, retryAfterMs: null, ms: elapsed() };
    }
    const redirect = response.status >= 300 && response.status < 400;
    const location = response.headers.location;
    const retryAfter = response.headers['retry-after'];
    return {
      ok: false, status: response.status, error: `HTTP ${response.status}${redirect ? ' (redirects are not followed)' : ''}`,
      detail: [redirect && location !== undefined ? `redirect to ${location}` : '', response.excerpt === '' ? '' : `body: ${response.excerpt}`].filter((d) => d !== '').join('; ') || null,
      permanent: false,
      retryAfterMs: response.status === 429 || response.status === 503 ? retryAfterMs(retryAfter ?? null) : null, ms: elapsed(),
    };
  } catch (error) {
    const refusal = findEgressRefusal(error);
    if (refusal !== undefined) return failed(attemptFailure.egressRefused, refusal.message, elapsed(), true);
    const detail = signal.aborted ? `no answer within ${options.timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return failed(failureClass(error, signal), detail, elapsed());
  }
}

/**
 * The wait after failed attempt `attempt` (1-based): the base doubled per attempt, capped, then jittered
 * between half and all of it (so receivers coming back are not hit by every retry at once). A receiver's
 * Retry-After is honoured up to the cap.
 */
export function backoffDelay(attempt: number, options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxMs'>, retryAfter: number | null = null, random: () => number = Math.random): number {
  const exponential = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = exponential * (0.5 + random() / 2);
  return Math.round(Math.min(options.retryMaxMs, Math.max(jittered, retryAfter ?? 0)));
}

export type DeliveryOutcome =
  | { readonly delivered: true; readonly attempts: number; readonly last: AttemptResult }
  | { readonly delivered: false; readonly attempts: number; readonly last: AttemptResult };

/**
 * Delivers with retries: up to `maxAttempts` attempts with backoff (one when the egress policy refuses: permanent),
 * reporting each failure. `signal` (a stop)
 * lets the attempt under way finish but cuts a wait short and throws its AbortError: the event was not
 * delivered and stays pending, for the next dispatcher.
 */
export async function deliverWithRetry(
  target: DeliveryTarget,
  message: WebhookMessage,
  options: DeliveryOptions & { readonly egress: EgressPolicy },
  hooks: { readonly signal?: AbortSignal; readonly onAttemptFailed?: (attempt: number, result: AttemptResult) => Promise<void> | void } = {},
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    hooks.signal?.throwIfAborted();
    const result = await attemptDelivery(target, message, options);
    if (result.ok) return { delivered: true, attempts: attempt, last: result };
    await hooks.onAttemptFailed?.(attempt, result);
    if (attempt >= options.maxAttempts || result.permanent) return { delivered: false, attempts: attempt, last: result };
    await sleep(backoffDelay(attempt, options, result.retryAfterMs), undefined, hooks.signal ? { signal: hooks.signal } : {});
  }
}
