import { createHttpClient, type HttpClient } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { PatentRegistryConfig } from './config.js';

/** One rate-limited client per sync: it spaces every request (retries included) below the source's limit. */
export function registryClient(ctx: ConnectorContext<PatentRegistryConfig>, signal?: AbortSignal): HttpClient {
  return createHttpClient({
    baseUrl: ctx.config.baseUrl,
    connectionId: ctx.connectionId,
    logger: ctx.logger,
    egress: ctx.boundary,
    timeoutMs: ctx.config.timeoutMs,
    rateLimit: { requestsPerSecond: ctx.config.requestsPerSecond },
    signal,
  });
}
