import { createHttpClient, type HttpClient, type RetryOptions } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { GsoPxwebConfig } from './config.js';

function retryOptions(config: GsoPxwebConfig): Partial<RetryOptions> {
  const r = config.retry ?? {};
  return {
    ...(r.retries !== undefined ? { retries: r.retries } : {}),
    ...(r.baseDelayMs !== undefined ? { baseDelayMs: r.baseDelayMs } : {}),
    ...(r.maxDelayMs !== undefined ? { maxDelayMs: r.maxDelayMs } : {}),
  };
}

/** The shared client; the PX-Web API is public (no credentials). */
export function gsoClient(ctx: ConnectorContext<GsoPxwebConfig>, signal?: AbortSignal): HttpClient {
  return createHttpClient({ baseUrl: ctx.config.baseUrl, connectionId: ctx.connectionId, logger: ctx.logger, timeoutMs: ctx.config.timeoutMs, retry: retryOptions(ctx.config), signal });
}
