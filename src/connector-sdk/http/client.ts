import type { Readable } from 'node:stream';
import type { SourceError } from '../../errors.js';
import { childLogger } from '../../logger.js';
import { linkSignals } from './abort.js';
import { apiKeyAuth } from './api-key-auth.js';
import { anonymous, type AuthStrategy } from './auth.js';
import { abortedError, authFailedError, describeNetworkError, rejectedError, requestLabel, responseInvalidError, streamBrokenError, type RequestLabel } from './errors.js';
import { RequestExecutor, type FinalResponse, type RequestPlan } from './executor.js';
import { oauth2Auth } from './oauth2-auth.js';
import { resolveOptions } from './options.js';
import { RateLimiter } from './rate-limiter.js';
import { bodyExcerpt, Redactor, sanitizeError } from './redaction.js';
import { guardedStream } from './response-stream.js';
import { Transport, type HttpMethod } from './transport.js';
import type { HttpClient, HttpClientOptions, ParsedRequestOptions, RequestOptions } from './types.js';
import { resolveUrl } from './url.js';

const USER_AGENT = 'lgsp-connect';

/**
 * The HTTP client connectors use to talk to a source: retries with backoff, rate limiting, OAuth2 client
 * credentials or an API key, timeouts, abort, one log line per attempt, and SourceErrors with stable codes
 * whose messages and causes never carry a secret. See HttpClient for the methods.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = resolveOptions(options);
  const { baseUrl, connectionId, auth: authConfig } = settings;
  const redactor = new Redactor();
  const logger = childLogger(options.logger, { connectionId, component: 'http-client' });
  const transport = new Transport(authConfig?.kind === 'api-key' ? [authConfig.header] : [], settings.egress.agents);
  const executor = new RequestExecutor(transport, {
    connectionId,
    logger,
    timeoutMs: settings.timeoutMs,
    maxResponseBytes: settings.maxResponseBytes,
    retry: settings.retry,
    rateLimiter: settings.requestsPerSecond === undefined ? undefined : new RateLimiter(settings.requestsPerSecond, settings.sleep),
    sleep: settings.sleep,
    random: settings.random,
    clock: settings.clock,
    redactor,
  });

  let auth: AuthStrategy | undefined;
  if (authConfig?.kind === 'api-key') {
    auth = apiKeyAuth(authConfig, connectionId, redactor);
  } else if (authConfig?.kind === 'oauth2-client-credentials') {
    const tokenUrl = resolveUrl(baseUrl, authConfig.tokenPath);
    auth = oauth2Auth(authConfig, { connectionId, tokenUrl, executor, redactor, clock: settings.clock, signal: settings.signal });
  }

  interface Prepared {
    readonly label: RequestLabel;
    readonly plan: RequestPlan;
    /** Unlinks the call's signal from the client's: call it once the call is over. */
    readonly done: () => void;
  }

  function prepare(method: HttpMethod, path: string, accept: string, call: RequestOptions | undefined, body?: string): Prepared {
    const url = resolveUrl(baseUrl, path, call?.params);
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: accept, ...call?.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const linked = linkSignals(settings.signal, call?.signal);
    return {
      done: linked.dispose,
      label: requestLabel(connectionId, method, url, redactor),
      plan: {
        method,
        url,
        headers,
        body,
        mode: 'buffer',
        // Credentials go to the source's own origin only, never to a URL elsewhere (a CDN link in a listing).
        auth: url.origin === baseUrl.origin ? auth : undefined,
        signal: linked.signal,
      },
    };
  }

  /** The error for a final non-2xx answer. */
  function refused(label: RequestLabel, response: FinalResponse, body: Buffer): SourceError {
    if (response.status === 401 || response.status === 403) {
      const refusal = (auth ?? anonymous).refusal(response.status, response.renewed);
      return authFailedError(label, refusal.what, refusal.hint);
    }
    return rejectedError(
      label,
      response.status,
      bodyExcerpt(body, redactor),
      `Check the path and parameters the connector sends and the connection's base URL (${baseUrl.origin}${baseUrl.pathname}).`,
    );
  }

  async function fetchBuffer(method: HttpMethod, path: string, accept: string, call: RequestOptions | undefined, body?: string): Promise<{ label: RequestLabel; body: Buffer }> {
    const { label, plan, done } = prepare(method, path, accept, call, body);
    try {
      const response = await executor.executeBuffered(plan);
      if (response.status < 200 || response.status >= 300) throw refused(label, response, response.body);
      return { label, body: response.body };
    } finally {
      done();
    }
  }

  function parseJson(label: RequestLabel, body: Buffer): unknown {
    const text = body.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw responseInvalidError(
        label,
        `the answer is not JSON: "${bodyExcerpt(body, redactor, 120)}"`,
        'Check that the connection\'s base URL points at the API (not a web page or a gateway login page).',
        sanitizeError(error, redactor),
      );
    }
  }

  function getJson(path: string, call?: RequestOptions): Promise<unknown>;
  function getJson<T>(path: string, call: ParsedRequestOptions<T>): Promise<T>;
  async function getJson<T>(path: string, call?: RequestOptions | ParsedRequestOptions<T>): Promise<unknown> {
    const { label, body } = await fetchBuffer('GET', path, 'application/json', call);
    const data = parseJson(label, body);
    return call !== undefined && 'parse' in call ? call.parse(data) : data;
  }

  function postJson(path: string, payload: unknown, call?: RequestOptions): Promise<unknown>;
  function postJson<T>(path: string, payload: unknown, call: ParsedRequestOptions<T>): Promise<T>;
  async function postJson<T>(path: string, payload: unknown, call?: RequestOptions | ParsedRequestOptions<T>): Promise<unknown> {
    const serialised = JSON.stringify(payload) as string | undefined;
    const { label, body } = await fetchBuffer('POST', path, 'application/json', call, serialised ?? 'null');
    const data = parseJson(label, body);
    return call !== undefined && 'parse' in call ? call.parse(data) : data;
  }

  async function getStream(path: string, call?: RequestOptions): Promise<Readable> {
    const { label, plan, done } = prepare('GET', path, '*/*', call);
    let response: FinalResponse;
    try {
      response = await executor.execute({ ...plan, mode: 'stream' });
    } catch (error) {
      done();
      throw error;
    }
    if (response.kind === 'response') {
      done();
      throw refused(label, response, response.body);
    }
    const stream = guardedStream(response.stream, settings.timeoutMs, {
      broken: (bytes, what, cause) => {
        if (cause === undefined) return streamBrokenError(label, bytes, what, undefined);
        const sanitized = sanitizeError(cause, redactor);
        return streamBrokenError(label, bytes, describeNetworkError(sanitized.message, sanitized.code), sanitized);
      },
      aborted: (reason) => abortedError(label, reason),
    });
    stream.once('close', done);
    return stream;
  }

  return {
    connectionId,
    getJson,
    getText: async (path, call) => (await fetchBuffer('GET', path, '*/*', call)).body.toString('utf8'),
    getBytes: async (path, call) => (await fetchBuffer('GET', path, '*/*', call)).body,
    postJson,
    getStream,
  };
}
