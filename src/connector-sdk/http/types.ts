import type { Readable } from 'node:stream';
import type { EgressPolicy } from '../../boundary/egress.js';
import type { BoundaryConfig } from '../../config/env.js';
import type { Logger } from '../../logger.js';

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts. Injectable so tests run fast. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Exponential backoff with full jitter on network errors, timeouts, 408, 429 and 5xx. */
export interface RetryOptions {
  /** Retries after the first attempt (so `retries + 1` attempts at most). Default 5. */
  readonly retries: number;
  /** Upper bound of the first backoff; doubles per retry. Default 500 ms. */
  readonly baseDelayMs: number;
  /** No single wait is longer, `Retry-After` included. Default 30 s. */
  readonly maxDelayMs: number;
}

/** Spacing of requests per client instance, so the client never causes the source's own 429s. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number;
}

/** OAuth2 client credentials grant, as the LGSP gateway issues them. */
export interface OAuth2ClientCredentialsAuth {
  readonly kind: 'oauth2-client-credentials';
  /** Token endpoint: a path relative to `baseUrl` ('/oauth2/token') or an absolute URL. */
  readonly tokenPath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Sent as `scope` when given. */
  readonly scope?: string | undefined;
}

/** A static key sent in a header on every call. */
export interface ApiKeyAuth {
  readonly kind: 'api-key';
  /** Header name, e.g. 'X-API-Key'. */
  readonly header: string;
  readonly value: string;
}

export type HttpAuth = OAuth2ClientCredentialsAuth | ApiKeyAuth;

export interface HttpClientOptions {
  /** Root of the source's API; request paths are appended to it (its path prefix is kept). */
  readonly baseUrl: string;
  /** Goes into every log line and every error message. */
  readonly connectionId: string;
  readonly logger: Logger;
  /**
   * What the client may reach: pass `ctx.boundary`. Internal addresses and metadata names are refused
   * (`EGRESS_REFUSED`, permanent) unless the host operator allows them in LGSP_EGRESS_ALLOW; see src/boundary/egress.ts.
   */
  readonly egress: BoundaryConfig | EgressPolicy;
  /** A response (headers and, except for streams, the whole body) slower than this is a timeout. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /**
   * The largest answer read whole (getJson, getText, getBytes, postJson); a larger one fails the request with
   * SOURCE_RESPONSE_TOO_LARGE (permanent). Default 64 MiB. `getStream` bodies are not limited: they are read as they arrive.
   */
  readonly maxResponseBytes?: number | undefined;
  /** Aborts in-flight requests and any wait (backoff, rate limit, token refresh) of this client. */
  readonly signal?: AbortSignal | undefined;
  readonly retry?: Partial<RetryOptions> | undefined;
  readonly rateLimit?: RateLimitOptions | undefined;
  readonly auth?: HttpAuth | undefined;
  /** For tests: replaces the timer-based wait used for backoff and rate limiting. */
  readonly sleep?: Sleep | undefined;
  /** For tests: a number in [0, 1) for the backoff jitter. Default Math.random. */
  readonly random?: (() => number) | undefined;
  /** For tests: wall-clock milliseconds (token expiry, HTTP-date Retry-After). Default Date.now. */
  readonly clock?: (() => number) | undefined;
}

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  readonly params?: QueryParams | undefined;
  /** Extra, non-secret headers (e.g. Accept). Authentication headers are set by the client. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Aborts this call only (e.g. the sync's `ReadOptions.signal`). */
  readonly signal?: AbortSignal | undefined;
}

/** Options of a JSON call whose body the caller validates in the same step (e.g. `parse: (b) => Schema.parse(b)`). */
export interface ParsedRequestOptions<T> extends RequestOptions {
  readonly parse: (body: unknown) => T;
}

/**
 * A connector's view of one source. Every method retries transient failures (network errors, timeouts,
 * 408, 429, 5xx) with backoff, then throws `SourceError` `SOURCE_UNAVAILABLE` (not permanent). Credentials the
 * source refuses throw `SOURCE_AUTH_FAILED` and other 4xx `SOURCE_REQUEST_REJECTED` (both permanent, no
 * retries). An abort through a signal throws `SOURCE_REQUEST_ABORTED`. See ./errors.ts for all codes.
 *
 * The client checks transport and JSON syntax only; the shape of what a source sends is the caller's to
 * validate (zod), record by record.
 */
export interface HttpClient {
  readonly connectionId: string;
  /** GET and parse JSON (a leading BOM is ignored; an empty body is `null`). */
  getJson(path: string, options?: RequestOptions): Promise<unknown>;
  getJson<T>(path: string, options: ParsedRequestOptions<T>): Promise<T>;
  /** GET a text body (XML, CSV) decoded as UTF-8; a leading BOM is kept (U+FEFF) so the caller can check it. */
  getText(path: string, options?: RequestOptions): Promise<string>;
  /** GET the raw bytes (for checksums). */
  getBytes(path: string, options?: RequestOptions): Promise<Buffer>;
  /** POST `body` as JSON and parse the JSON answer. POSTs are retried like GETs: use it for queries only. */
  postJson(path: string, body: unknown, options?: RequestOptions): Promise<unknown>;
  postJson<T>(path: string, body: unknown, options: ParsedRequestOptions<T>): Promise<T>;
  /**
   * GET a large body as a stream, without buffering it. Retries and `timeoutMs` apply to obtaining the response
   * (status and headers). Afterwards the stream fails when no byte arrives for `timeoutMs` while the caller
   * reads. A connection reset or stall mid-stream is NOT retried: the stream is destroyed with `SourceError`
   * `SOURCE_UNAVAILABLE` (not permanent) and the caller restarts the download (e.g. after a checksum check).
   * Destroy the stream to stop early.
   */
  getStream(path: string, options?: RequestOptions): Promise<Readable>;
}
