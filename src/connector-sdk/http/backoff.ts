import type { RetryOptions } from './types.js';

export const defaultRetryOptions: RetryOptions = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Full jitter: a uniformly random wait in [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))).
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delta seconds ('120') or an HTTP date
 * ('Wed, 21 Oct 2025 07:28:00 GMT'; a date in the past is 0). Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before retry number `retry`: the source's Retry-After when it sent one, else backoff; never above maxDelayMs. */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, options: RetryOptions, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxDelayMs);
  return backoffDelayMs(retry, options, random);
}
