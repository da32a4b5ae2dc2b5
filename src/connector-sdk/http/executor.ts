import { performance } from 'node:perf_hooks';
import { EgressRefusedError } from '../../boundary/egress.js';
import type { Logger } from '../../logger.js';
import { anonymous, type AuthStrategy, type Credential } from './auth.js';
import { parseRetryAfterMs, retryDelayMs } from './backoff.js';
import {
  abortedError,
  describeNetworkError,
  describeRequest,
  describeStatus,
  requestInvalidError,
  requestLabel,
  responseTooLargeError,
  unavailableError,
  type FailureSummary,
  type RequestLabel,
} from './errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { sanitizeError, type Redactor } from './redaction.js';
import type { AttemptOutcome, HttpMethod, OpenStream, ResponseHeaders, Transport } from './transport.js';
import type { RetryOptions, Sleep } from './types.js';

/** One logical request: retried, rate limited and authenticated by the executor. */
export interface RequestPlan {
  readonly method: HttpMethod;
  readonly url: URL;
  /** Headers besides authentication. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly mode: 'buffer' | 'stream';
  /** Undefined: send no credentials (token requests, other origins). */
  readonly auth: AuthStrategy | undefined;
  /** Client and call signals combined. */
  readonly signal: AbortSignal | undefined;
}

/** The answer a request came to once transient failures are out of the way: a 2xx, or a status retrying cannot fix. */
export type FinalResponse = BufferedResponse | StreamedResponse;
export type BufferedResponse = { readonly kind: 'response'; readonly body: Buffer } & FinalMeta;
export type StreamedResponse = { readonly kind: 'stream'; readonly stream: OpenStream } & FinalMeta;

interface FinalMeta {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly attempts: number;
  /** The call was repeated once with a fresh credential after a 401. */
  readonly renewed: boolean;
}

export interface ExecutorSettings {
  readonly connectionId: string;
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly retry: RetryOptions;
  readonly rateLimiter: RateLimiter | undefined;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly clock: () => number;
  readonly redactor: Redactor;
}

/** Statuses worth another attempt: the source is busy or failing, not refusing. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

type Failure = { readonly summary: FailureSummary; readonly cause: unknown; readonly retryAfterMs: number | undefined; readonly status?: number };

/**
 * Runs a request to its final answer: waits for a rate-limit slot before every attempt, retries network
 * errors, timeouts, 408/429/5xx with backoff (honouring Retry-After), repeats once with a fresh credential
 * after a 401, and logs one line per attempt. Throws SOURCE_UNAVAILABLE when retries run out,
 * SOURCE_REQUEST_INVALID for requests that cannot be sent and SOURCE_REQUEST_ABORTED on abort.
 */
export class RequestExecutor {
  constructor(
    private readonly transport: Transport,
    private readonly settings: ExecutorSettings,
  ) {}

  /** A request whose body is read whole (mode 'buffer'). */
  async executeBuffered(plan: Omit<RequestPlan, 'mode'>): Promise<BufferedResponse> {
    const response = await this.execute({ ...plan, mode: 'buffer' });
    if (response.kind === 'stream') {
      response.stream.body.destroy();
      response.stream.release();
      throw new Error('unreachable: a buffered request answered with a stream');
    }
    return response;
  }

  async execute(plan: RequestPlan): Promise<FinalResponse> {
    const label = requestLabel(this.settings.connectionId, plan.method, plan.url, this.settings.redactor);
    try {
      return await this.run(plan, label);
    } catch (error) {
      if (plan.signal?.aborted === true) throw abortedError(label, plan.signal.reason);
      throw error;
    }
  }

  private describeFailure(outcome: AttemptOutcome): Failure {
    switch (outcome.kind) {
      case 'timeout':
        return { summary: `no complete response within ${this.settings.timeoutMs} ms (timeout)`, cause: undefined, retryAfterMs: undefined };
      case 'network':
      case 'invalid': {
        const cause = sanitizeError(outcome.error, this.settings.redactor);
        return { summary: describeNetworkError(cause.message, cause.code), cause, retryAfterMs: undefined };
      }
      case 'aborted':
        return { summary: 'aborted', cause: undefined, retryAfterMs: undefined };
      case 'refused':
        return { summary: 'refused by the egress policy', cause: outcome.error, retryAfterMs: undefined };
      case 'too-large':
        return { summary: `a body over ${outcome.limit} bytes`, cause: undefined, retryAfterMs: undefined, status: outcome.status };
      case 'response':
      case 'stream':
        return {
          summary: describeStatus(outcome.status),
          cause: undefined,
          retryAfterMs: parseRetryAfterMs(outcome.headers['retry-after'], this.settings.clock()),
          status: outcome.status,
        };
    }
  }

  private async run(plan: RequestPlan, label: RequestLabel): Promise<FinalResponse> {
    const { logger, retry } = this.settings;
    const auth = plan.auth ?? anonymous;
    let attempts = 0;
    let retries = 0;
    let renewed = false;

    for (;;) {
      await this.settings.rateLimiter?.acquire(plan.signal);
      const credential: Credential = await auth.authorize(plan.signal);
      attempts += 1;
      const started = performance.now();
      const outcome = await this.transport.attempt({
        method: plan.method,
        url: plan.url,
        headers: { ...plan.headers, ...credential.headers },
        body: plan.body,
        mode: plan.mode,
        timeoutMs: this.settings.timeoutMs,
        maxBodyBytes: this.settings.maxResponseBytes,
        signal: plan.signal,
      });
      const line = { method: plan.method, path: label.path, attempt: attempts, durationMs: Math.round(performance.now() - started) };

      if (outcome.kind === 'aborted') throw abortedError(label, plan.signal?.reason);
      if (outcome.kind === 'refused') {
        // Permanent: the policy will refuse it again. The message says nothing of what listens there.
        logger.warn({ ...line, error: outcome.error.refusal.reason }, 'http request refused by the egress policy');
        throw new EgressRefusedError(outcome.error.refusal, describeRequest(label));
      }
      if (outcome.kind === 'too-large') {
        logger.warn({ ...line, status: outcome.status, limit: outcome.limit }, 'http response too large, not read on');
        throw responseTooLargeError(label, outcome.status, outcome.limit);
      }
      if (outcome.kind === 'invalid') {
        const { summary, cause } = this.describeFailure(outcome);
        logger.warn({ ...line, error: summary }, 'http request could not be sent');
        throw requestInvalidError(label, summary, cause);
      }

      if (outcome.kind === 'timeout' || outcome.kind === 'network' || isRetryableStatus(outcome.status)) {
        const transient = this.describeFailure(outcome);
        const failure = { ...line, ...(transient.status === undefined ? { error: transient.summary } : { status: transient.status }) };
        if (retries >= retry.retries) {
          logger.warn({ ...failure, retriesLeft: 0 }, 'http request failed, giving up');
          throw unavailableError(label, attempts, transient.summary, transient.cause);
        }
        retries += 1;
        const delayMs = retryDelayMs(retries, transient.retryAfterMs, retry, this.settings.random);
        logger.warn({ ...failure, retryInMs: delayMs, retriesLeft: retry.retries - retries }, 'http request failed, retrying');
        await this.settings.sleep(delayMs, plan.signal);
        continue;
      }

      const status = outcome.status;
      if (status === 401 && !renewed && auth.renewAfterUnauthorized(credential)) {
        renewed = true;
        logger.warn({ ...line, status }, 'http request unauthorized, renewing the access token and repeating it once');
        continue;
      }

      const ok = status >= 200 && status < 300;
      if (ok) logger.debug({ ...line, status }, 'http request');
      else logger.warn({ ...line, status }, 'http request refused');
      return outcome.kind === 'stream'
        ? { kind: 'stream', status, headers: outcome.headers, stream: outcome.stream, attempts, renewed }
        : { kind: 'response', status, headers: outcome.headers, body: outcome.body, attempts, renewed };
    }
  }
}
