import { STATUS_CODES } from 'node:http';
import { SourceError } from '../../errors.js';
import { describeOrigin, describeUrlPath, type Redactor } from './redaction.js';

/** Stable codes of the SourceErrors the HTTP client throws. */
export const HttpErrorCode = {
  /** Network errors, timeouts, 408/429/5xx after the last retry, or a stream broken mid-body. Not permanent. */
  unavailable: 'SOURCE_UNAVAILABLE',
  /** Credentials refused (token endpoint, 401 after one token refresh, 401/403 with an API key). Permanent. */
  authFailed: 'SOURCE_AUTH_FAILED',
  /** Any other 4xx (and unexpected 3xx): the request is wrong. Permanent. */
  requestRejected: 'SOURCE_REQUEST_REJECTED',
  /** A 2xx whose body is not JSON, or a token response without an access token. Permanent. */
  responseInvalid: 'SOURCE_RESPONSE_INVALID',
  /** A 2xx body read whole was larger than the client's `maxResponseBytes`. Permanent. */
  responseTooLarge: 'SOURCE_RESPONSE_TOO_LARGE',
  /** The request cannot be sent at all (malformed URL, too many redirects). Permanent. */
  requestInvalid: 'SOURCE_REQUEST_INVALID',
  /** The client's or the call's AbortSignal fired. Not permanent: nothing is wrong with the source. */
  aborted: 'SOURCE_REQUEST_ABORTED',
} as const;

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** Who asked what, for messages: `Connection "dvc-91": GET /api/v1/x at https://gw.example`. */
export interface RequestLabel {
  readonly connectionId: string;
  readonly method: string;
  /** Path and query, secrets already redacted. */
  readonly path: string;
  /** Scheme, host and port only (never user info). */
  readonly origin: string;
}

export function requestLabel(connectionId: string, method: string, url: URL, redactor: Redactor): RequestLabel {
  return { connectionId, method, path: redactor.redact(describeUrlPath(url)), origin: describeOrigin(url) };
}

export function describeRequest(label: RequestLabel): string {
  return `Connection "${label.connectionId}": ${label.method} ${label.path} at ${label.origin}`;
}

export function describeStatus(status: number): string {
  const text = STATUS_CODES[status];
  return text === undefined ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}

/** What went wrong on the last attempt, in words: 'HTTP 503 Service Unavailable', 'connection reset (ECONNRESET)'. */
export type FailureSummary = string;

/** A network error in words, from its (already redacted) message and code. */
export function describeNetworkError(message: string, code: string | undefined): FailureSummary {
  if (message === 'aborted' || message === 'stream has been aborted') return `the connection was reset before the whole body arrived${code === undefined ? '' : ` (${code})`}`;
  if (message === 'socket hang up') return `the connection was closed without an answer (socket hang up${code === undefined ? '' : `, ${code}`})`;
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

export function unavailableError(label: RequestLabel, attempts: number, last: FailureSummary, cause: unknown): SourceError {
  return new SourceError(
    HttpErrorCode.unavailable,
    `${describeRequest(label)} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${last}. ` +
      `The source is down, overloaded or unreachable: the sync retries with backoff for several minutes. If this persists, check that ` +
      `${label.origin} is reachable from this machine (gateway, VPN, firewall) and ask the source's operator whether it is up.`,
    { permanent: false, cause },
  );
}

export function streamBrokenError(label: RequestLabel, bytes: number, what: string, cause: unknown): SourceError {
  return new SourceError(
    HttpErrorCode.unavailable,
    `${describeRequest(label)}: the download broke after ${bytes} bytes (${what}). ` +
      `Nothing of it may be used: restart the download from the beginning; the sync retries with backoff for several minutes.`,
    { permanent: false, cause },
  );
}

export function authFailedError(label: RequestLabel, what: string, hint: string, cause?: unknown): SourceError {
  return new SourceError(HttpErrorCode.authFailed, `${describeRequest(label)}: ${what}. ${hint}`, { permanent: true, cause });
}

export function rejectedError(label: RequestLabel, status: number, excerpt: string, hint: string): SourceError {
  const body = excerpt === '' ? 'an empty body' : `"${excerpt}"`;
  return new SourceError(
    HttpErrorCode.requestRejected,
    `${describeRequest(label)} was rejected with ${describeStatus(status)} and ${body}. Retrying will not help. ${hint}`,
    { permanent: true, status },
  );
}

export function responseInvalidError(label: RequestLabel, what: string, hint: string, cause?: unknown): SourceError {
  return new SourceError(HttpErrorCode.responseInvalid, `${describeRequest(label)}: ${what}. ${hint}`, { permanent: true, cause });
}

export function responseTooLargeError(label: RequestLabel, status: number, limit: number): SourceError {
  return new SourceError(
    HttpErrorCode.responseTooLarge,
    `${describeRequest(label)} answered ${describeStatus(status)} with a body over ${limit} bytes, more than this client reads whole. ` +
      'Ask for smaller pages (the connection\'s page size), or use a streamed download in the connector.',
    { permanent: true, status },
  );
}

export function requestInvalidError(label: RequestLabel, what: string, cause: unknown): SourceError {
  return new SourceError(
    HttpErrorCode.requestInvalid,
    `${describeRequest(label)} could not be sent: ${what}. Check the connection's base URL and the connector's paths.`,
    { permanent: true, cause },
  );
}

export function abortedError(label: RequestLabel, reason: unknown): SourceError {
  return new SourceError(HttpErrorCode.aborted, `${describeRequest(label)} was aborted by its caller (the sync was cancelled or is shutting down).`, {
    permanent: false,
    cause: reason,
  });
}
