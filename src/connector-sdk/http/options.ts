import { EgressRefusedError, toEgressPolicy, type EgressPolicy } from '../../boundary/egress.js';
import { ConfigError } from '../../errors.js';
import { timerSleep } from './abort.js';
import { defaultRetryOptions } from './backoff.js';
import type { HttpAuth, HttpClientOptions, RetryOptions, Sleep } from './types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** An answer read whole larger than this is refused: a source may not fill a worker's memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** HttpClientOptions with defaults applied and every value checked. */
export interface ResolvedOptions {
  readonly baseUrl: URL;
  readonly connectionId: string;
  readonly egress: EgressPolicy;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly retry: RetryOptions;
  readonly requestsPerSecond: number | undefined;
  readonly auth: HttpAuth | undefined;
  readonly signal: AbortSignal | undefined;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly clock: () => number;
}

function invalid(connectionId: string, what: string): ConfigError {
  return new ConfigError(`HTTP client of connection "${connectionId}": ${what}`);
}

function checkNumber(connectionId: string, name: string, value: number, min: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw invalid(connectionId, `${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${value}.`);
  }
  return value;
}

function checkAuth(connectionId: string, auth: HttpAuth): HttpAuth {
  if (auth.kind === 'api-key') {
    if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(auth.header)) throw invalid(connectionId, `"${auth.header}" is not a valid header name for the API key.`);
    if (auth.value === '') throw invalid(connectionId, 'the API key is empty: check the secret the connection references.');
  } else {
    if (auth.clientId === '') throw invalid(connectionId, 'the OAuth2 client id is empty.');
    if (auth.clientSecret === '') throw invalid(connectionId, 'the OAuth2 client secret is empty: check the secret the connection references.');
    if (auth.tokenPath === '') throw invalid(connectionId, 'the OAuth2 token path is empty (e.g. /oauth2/token).');
  }
  return auth;
}

export function resolveOptions(options: HttpClientOptions): ResolvedOptions {
  const { connectionId } = options;
  let baseUrl: URL;
  try {
    baseUrl = new URL(options.baseUrl);
  } catch {
    throw invalid(connectionId, `the base URL is not a URL; write it like https://lgsp.example.gov.vn/dvc.`);
  }
  // Scheme, credentials, and early word on a literal internal address or a metadata name; the agents check every connection anyway.
  const egress = toEgressPolicy(options.egress);
  const refusal = egress.checkUrl(baseUrl);
  if (refusal !== null) throw new EgressRefusedError(refusal, `HTTP client of connection "${connectionId}"`);
  if (baseUrl.search !== '' || baseUrl.hash !== '') throw invalid(connectionId, 'the base URL must not carry a query or fragment; pass parameters per request.');

  const retry: RetryOptions = {
    retries: checkNumber(connectionId, 'retry.retries', options.retry?.retries ?? defaultRetryOptions.retries, 0, true),
    baseDelayMs: checkNumber(connectionId, 'retry.baseDelayMs', options.retry?.baseDelayMs ?? defaultRetryOptions.baseDelayMs, 0),
    maxDelayMs: checkNumber(connectionId, 'retry.maxDelayMs', options.retry?.maxDelayMs ?? defaultRetryOptions.maxDelayMs, 0),
  };
  const requestsPerSecond = options.rateLimit === undefined ? undefined : checkNumber(connectionId, 'rateLimit.requestsPerSecond', options.rateLimit.requestsPerSecond, Number.MIN_VALUE);

  return {
    baseUrl,
    connectionId,
    egress,
    timeoutMs: checkNumber(connectionId, 'timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1),
    maxResponseBytes: checkNumber(connectionId, 'maxResponseBytes', options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 1, true),
    retry,
    requestsPerSecond,
    auth: options.auth === undefined ? undefined : checkAuth(connectionId, options.auth),
    signal: options.signal,
    sleep: options.sleep ?? timerSleep,
    random: options.random ?? Math.random,
    clock: options.clock ?? Date.now,
  };
}
