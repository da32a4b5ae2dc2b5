import { createHttpClient, retryOptions, type HttpClient } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { GsoPxwebConfig } from './config.js';

/** The shared client; the PX-Web API is public (no credentials). */
export function gsoClient(ctx: ConnectorContext<GsoPxwebConfig>, signal?: AbortSignal): HttpClient {
  return createHttpClient({ baseUrl: ctx.config.baseUrl, connectionId: ctx.connectionId, logger: ctx.logger, egress: ctx.boundary, timeoutMs: ctx.config.timeoutMs, retry: retryOptions(ctx.config.retry), signal });
}
