import { setTimeout as sleep } from 'node:timers/promises';
import { eventIdHeader, signatureHeader, signWebhook } from './signature.js';

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

export interface AttemptResult {
  readonly ok: boolean;
  /** The receiver's HTTP status; null when none came (network error, timeout). */
  readonly status: number | null;
  /** What went wrong, for logs and dead letters; null on success. */
  readonly error: string | null;
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

/** The start of a response body (for the error), without reading more than a few hundred characters. */
async function bodySnippet(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < 300) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, 300).replace(/\s+/g, ' ').trim();
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause !== undefined ? `${e.message}: ${cause}` : e.message;
}

/**
 * One delivery attempt: POSTs the structured CloudEvent, signed now (`X-Lgsp-Signature: t=…,v1=…`), with its id
 * in `X-Lgsp-Event-Id`. Success is a 2xx; redirects are not followed (a moved receiver is re-subscribed, not
 * chased). Never throws: a network error or timeout is a failed attempt.
 */
export async function attemptDelivery(target: DeliveryTarget, message: WebhookMessage, options: { readonly timeoutMs: number }): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const now = new Date();
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': contentType,
        'user-agent': userAgent,
        [signatureHeader]: signWebhook(signingSecrets(target, now), message.body, now),
        [eventIdHeader]: message.eventId,
        'x-lgsp-subscription-id': target.id,
      },
      body: message.body,
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: true, status: response.status, error: null, retryAfterMs: null, ms: elapsed() };
    }
    const snippet = await bodySnippet(response).catch(() => '');
    const redirect = response.status >= 300 && response.status < 400 ? ` (redirect to ${response.headers.get('location') ?? '?'} not followed)` : '';
    return {
      ok: false, status: response.status, error: `HTTP ${response.status}${redirect}${snippet === '' ? '' : `: ${snippet}`}`,
      retryAfterMs: response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after')) : null, ms: elapsed(),
    };
  } catch (error) {
    return { ok: false, status: null, error: describeNetworkError(error, options.timeoutMs), retryAfterMs: null, ms: elapsed() };
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
 * Delivers with retries: up to `maxAttempts` attempts with backoff, reporting each failure. `signal` (a stop)
 * lets the attempt under way finish but cuts a wait short and throws its AbortError: the event was not
 * delivered and stays pending, for the next dispatcher.
 */
export async function deliverWithRetry(
  target: DeliveryTarget,
  message: WebhookMessage,
  options: DeliveryOptions,
  hooks: { readonly signal?: AbortSignal; readonly onAttemptFailed?: (attempt: number, result: AttemptResult) => Promise<void> | void } = {},
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    hooks.signal?.throwIfAborted();
    const result = await attemptDelivery(target, message, options);
    if (result.ok) return { delivered: true, attempts: attempt, last: result };
    await hooks.onAttemptFailed?.(attempt, result);
    if (attempt >= options.maxAttempts) return { delivered: false, attempts: attempt, last: result };
    await sleep(backoffDelay(attempt, options, result.retryAfterMs), undefined, hooks.signal ? { signal: hooks.signal } : {});
  }
}
