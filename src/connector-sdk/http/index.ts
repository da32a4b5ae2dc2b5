export { createHttpClient } from './client.js';
export { HttpErrorCode } from './errors.js';
export { backoffDelayMs, parseRetryAfterMs, defaultRetryOptions } from './backoff.js';
export { DEFAULT_TIMEOUT_MS } from './options.js';
export { retryConfigSchema, retryOptions, type RetryConfig } from './retry-config.js';
export { SanitizedError } from './redaction.js';
export type {
  ApiKeyAuth,
  HttpAuth,
  HttpClient,
  HttpClientOptions,
  OAuth2ClientCredentialsAuth,
  ParsedRequestOptions,
  QueryParams,
  RateLimitOptions,
  RequestOptions,
  RetryOptions,
  Sleep,
} from './types.js';
