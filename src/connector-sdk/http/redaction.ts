const CENSOR = '[redacted]';

/** Query parameter names whose values never reach a log line or an error message. */
const SECRET_PARAM = /token|secret|password|passwd|pwd|key|signature|sig|auth|credential|session/i;

/** Tokens are remembered so they can be scrubbed; a long sync may refresh many times, so keep only the last few. */
const MAX_REMEMBERED = 16;

/**
 * Knows the secret values of one client (client secret, API key, issued access tokens) and blanks them out
 * of any text before it is logged or put into an error: a source may echo a key in an error body.
 */
export class Redactor {
  private readonly fixed: string[] = [];
  private readonly rotating: string[] = [];

  /** A secret for the client's lifetime. */
  addSecret(value: string): void {
    if (value.length > 0 && !this.fixed.includes(value)) this.fixed.push(value);
  }

  /** A secret that is replaced over time (access tokens). */
  addRotatingSecret(value: string): void {
    if (value.length === 0 || this.rotating.includes(value)) return;
    this.rotating.push(value);
    if (this.rotating.length > MAX_REMEMBERED) this.rotating.shift();
  }

  redact(text: string): string {
    let out = text.replace(/\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi, `$1 ${CENSOR}`);
    for (const secret of [...this.fixed, ...this.rotating]) {
      for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
        out = out.split(form).join(CENSOR);
      }
    }
    return out;
  }
}

/** The path and query of a URL for logs and messages, with secret-looking query values blanked out. */
export function describeUrlPath(url: URL): string {
  if (url.search === '') return url.pathname;
  const params = new URLSearchParams();
  for (const [name, value] of url.searchParams) params.append(name, SECRET_PARAM.test(name) ? CENSOR : value);
  return `${url.pathname}?${params.toString().replaceAll(encodeURIComponent(CENSOR), CENSOR)}`;
}

/** Scheme, host and port, never user info. */
export function describeOrigin(url: URL): string {
  return url.origin;
}

/** At most `max` characters of a response body, on one line, secrets blanked out. */
export function bodyExcerpt(body: Buffer, redactor: Redactor, max = 300): string {
  const text = redactor.redact(body.subarray(0, max * 4).toString('utf8').replace(/^\uFEFF/, '').replace(/\s+/g, ' ').trim());
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * An error that stands in for an axios or system error as the `cause` of what the client throws: name, code
 * and message (secrets blanked out) and the stack frames, but none of the request config, headers or body
 * that axios errors carry.
 */
export class SanitizedError extends Error {
  readonly code: string | undefined;

  constructor(name: string, message: string, code: string | undefined, frames: string) {
    super(message);
    this.name = name;
    this.code = code;
    this.stack = frames === '' ? `${name}: ${message}` : `${name}: ${message}\n${frames}`;
  }
}

export function sanitizeError(error: unknown, redactor: Redactor): SanitizedError {
  if (!(error instanceof Error)) return new SanitizedError('Error', redactor.redact(String(error)), undefined, '');
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return new SanitizedError(error.name, redactor.redact(error.message), code, redactor.redact(frames));
}
