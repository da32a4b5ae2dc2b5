import { createHttpClient, type HttpClient, type RetryOptions } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { PaymentStatsConfig } from './config.js';
import { apiKeyHeader } from './contract.js';

function retryOptions(config: PaymentStatsConfig): Partial<RetryOptions> {
  const r = config.retry ?? {};
  return {
    ...(r.retries !== undefined ? { retries: r.retries } : {}),
    ...(r.baseDelayMs !== undefined ? { baseDelayMs: r.baseDelayMs } : {}),
    ...(r.maxDelayMs !== undefined ? { maxDelayMs: r.maxDelayMs } : {}),
  };
}

/** The shared client, with the API key the connection references. */
export function paymentStatsClient(ctx: ConnectorContext<PaymentStatsConfig>, signal?: AbortSignal): HttpClient {
  return createHttpClient({
    baseUrl: ctx.config.baseUrl,
    connectionId: ctx.connectionId,
    logger: ctx.logger,
    timeoutMs: ctx.config.timeoutMs,
    retry: retryOptions(ctx.config),
    auth: { kind: 'api-key', header: apiKeyHeader, value: ctx.secrets.api_key ?? '' },
    signal,
  });
}
