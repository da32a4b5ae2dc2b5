import { STATUS_CODES } from 'node:http';
import { isErrorCode, type ErrorCode } from '../errors.js';

/** What the API answers for an HTTP-level refusal that is not ours (Fastify's, Node's, Bull Board's). */
export interface HttpRefusal {
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
}

/** The title of a status, as HTTP names it ("Payload Too Large"); never a made-up "Error". */
export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** A stable code from the status name (405 -> METHOD_NOT_ALLOWED); a status the catalogue does not name gets its class's code. */
export function statusCodeName(status: number): ErrorCode {
  const named = statusTitle(status).toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (isErrorCode(named)) return named;
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

/** Fastify's own error codes, as our stable codes, with what to do next. */
const fastifyRefusals: Record<string, { code: ErrorCode; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', detail: 'The request body is larger than the API takes (1 MiB): send less, e.g. split it into several requests.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The API takes request bodies as JSON: send `Content-Type: application/json`.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_CONTENT_LENGTH', detail: 'The Content-Length header does not match the body: let the HTTP client compute it.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'EMPTY_JSON_BODY', detail: 'The body is empty but declared as JSON: send a JSON document, or no Content-Type.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON' },
  FST_ERR_BAD_URL: { code: 'BAD_URL', detail: 'The URL is not valid (a malformed %-escape or invalid UTF-8): percent-encode each path segment and query value as UTF-8.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG', detail: 'A path segment of the URL is longer than the API takes (100 characters): check the id you sent.' },
};

/** An HTTP-level error (Fastify, Bull Board) as a stable refusal; `fallback` when it says nothing useful. */
export function httpRefusal(status: number, fastifyCode: string | undefined, message: string): HttpRefusal {
  const known = fastifyCode === undefined ? undefined : fastifyRefusals[fastifyCode];
  if (known !== undefined) return { status, code: known.code, detail: known.detail ?? `${message}. Fix the request and send it again.` };
  return { status, code: statusCodeName(status), detail: message === '' ? `${statusTitle(status)}: fix the request and send it again.` : message };
}
