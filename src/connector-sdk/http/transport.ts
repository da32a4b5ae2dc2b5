import type { Readable } from 'node:stream';
import axios, { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { findEgressRefusal, type EgressRefusedError, type GuardedAgents } from '../../boundary/egress.js';

export type HttpMethod = 'GET' | 'POST';

/** Response headers with lower-case names; repeated headers joined with ', '. */
export type ResponseHeaders = Readonly<Record<string, string>>;

export interface AttemptRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  /** Everything to send, authentication included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** 'buffer': read the whole body within the deadline; 'stream': hand a 2xx body over as it arrives. */
  readonly mode: 'buffer' | 'stream';
  readonly timeoutMs: number;
  /** A 2xx body read whole (mode 'buffer') larger than this is not read on: `too-large`. */
  readonly maxBodyBytes: number;
  /** The caller's (client's and call's) signal. */
  readonly signal: AbortSignal | undefined;
}

/** The body of a stream-mode 2xx, still arriving. `release()` must be called once the stream is finished. */
export interface OpenStream {
  readonly body: Readable;
  /** Aborted by the caller's signal (never by the deadline, which ends once the headers are in). */
  readonly signal: AbortSignal;
  release(): void;
}

/** What one attempt came to. Only `network` and `timeout` (and some statuses) are worth retrying. */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: ResponseHeaders; readonly body: Buffer }
  | { readonly kind: 'stream'; readonly status: number; readonly headers: ResponseHeaders; readonly stream: OpenStream }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly error: unknown }
  | { readonly kind: 'invalid'; readonly error: unknown }
  /** The egress policy refused the connection (the first or a redirect's): nothing was sent. */
  | { readonly kind: 'refused'; readonly error: EgressRefusedError }
  /** A 2xx body read whole went past `maxBodyBytes`: reading stopped there. */
  | { readonly kind: 'too-large'; readonly status: number; readonly limit: number }
  | { readonly kind: 'aborted' };

/** Errors that retrying cannot fix: the request itself (or the source's certificate) is wrong. */
const UNSENDABLE = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_FR_TOO_MANY_REDIRECTS',
  'ERR_FR_REDIRECTION_FAILURE',
  'ERR_FR_MAX_BODY_LENGTH_EXCEEDED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** A non-2xx body is only read this far: enough for an excerpt. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** The reason the per-attempt controller aborts with when the deadline passes. */
class DeadlineExceeded extends Error {
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function toHeaders(raw: AxiosResponse['headers']): ResponseHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number') out[name.toLowerCase()] = String(value);
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.map(String).join(', ');
  }
  return out;
}

/** At most `limit` bytes of a body; `whole` is false when there was more. */
async function readBody(body: Readable, limit: number): Promise<{ bytes: Buffer; whole: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const source: AsyncIterable<unknown> = body;
  for await (const chunk of source) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(bytes);
    size += bytes.length;
    if (size > limit) break;
  }
  return { bytes: Buffer.concat(chunks, Math.min(size, limit)), whole: size <= limit };
}

/** Sends single HTTP attempts through axios, with a deadline, and says what came of each. No retries here. */
export class Transport {
  private readonly axios: AxiosInstance;

  /** `agents`: the egress policy's, which check every connection (redirects included) before it is made. */
  constructor(sensitiveHeaders: readonly string[], agents: GuardedAgents) {
    this.axios = axios.create({
      httpAgent: agents.http,
      httpsAgent: agents.https,
      // No proxy from HTTP(S)_PROXY: a proxy connects on our behalf, out of the agents' sight, so the policy could
      // not check the address actually reached (and a proxy on this host reaches everything internal).
      proxy: false,
      responseType: 'stream',
      // Statuses are classified by the client, not turned into AxiosErrors.
      validateStatus: () => true,
      // The deadline is ours (it covers the body too); axios' own timeout is a socket idle timeout.
      timeout: 0,
      maxRedirects: 5,
      // Authentication headers are dropped when a redirect leaves the origin.
      sensitiveHeaders: ['authorization', ...sensitiveHeaders.map((h) => h.toLowerCase())],
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
    });
  }

  async attempt(request: AttemptRequest): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const { signal } = request;
    const onCallerAbort = (): void => {
      controller.abort(signal?.reason);
    };
    if (signal?.aborted === true) return { kind: 'aborted' };
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = setTimeout(() => {
      controller.abort(new DeadlineExceeded(request.timeoutMs));
    }, request.timeoutMs);
    let handedOver = false;
    const release = (): void => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onCallerAbort);
    };

    try {
      const response = await this.axios.request<Readable>({
        method: request.method,
        url: request.url.href,
        headers: { ...request.headers },
        data: request.body,
        signal: controller.signal,
      });
      const headers = toHeaders(response.headers);
      const ok = response.status >= 200 && response.status < 300;
      if (ok && request.mode === 'stream') {
        clearTimeout(deadline);
        handedOver = true;
        return { kind: 'stream', status: response.status, headers, stream: { body: response.data, signal: controller.signal, release } };
      }
      // A source's answer may not fill this process's memory: an error body only as far as an excerpt needs.
      const body = await readBody(response.data, ok ? request.maxBodyBytes : ERROR_BODY_LIMIT);
      if (!response.data.destroyed) response.data.destroy();
      if (ok && !body.whole) return { kind: 'too-large', status: response.status, limit: request.maxBodyBytes };
      return { kind: 'response', status: response.status, headers, body: body.bytes };
    } catch (error) {
      if (controller.signal.aborted) {
        return controller.signal.reason instanceof DeadlineExceeded ? { kind: 'timeout' } : { kind: 'aborted' };
      }
      const refusal = findEgressRefusal(error);
      if (refusal !== undefined) return { kind: 'refused', error: refusal };
      const code = errorCode(error);
      if (code !== undefined && UNSENDABLE.has(code)) return { kind: 'invalid', error };
      if (isAxiosError(error) || error instanceof Error) return { kind: 'network', error };
      return { kind: 'invalid', error };
    } finally {
      if (!handedOver) release();
    }
  }
}
