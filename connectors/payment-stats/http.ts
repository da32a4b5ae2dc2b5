import { createHttpClient, retryOptions, type HttpClient } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { PaymentStatsConfig } from './config.js';
import { apiKeyHeader } from './contract.js';

/** The shared client, with the API key the connection references. */
export function paymentStatsClient(ctx: ConnectorContext<PaymentStatsConfig>, signal?: AbortSignal): HttpClient {
  return createHttpClient({
    baseUrl: ctx.config.baseUrl,
    connectionId: ctx.connectionId,
    logger: ctx.logger,
    egress: ctx.boundary,
    timeoutMs: ctx.config.timeoutMs,
    retry: retryOptions(ctx.config.retry),
    auth: { kind: 'api-key', header: apiKeyHeader, value: ctx.secrets.api_key ?? '' },
    signal,
  });
}
