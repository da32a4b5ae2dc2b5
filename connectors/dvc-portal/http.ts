import { createHttpClient, type HttpClient } from '../../src/connector-sdk/http/index.js';
import type { ConnectorContext } from '../../src/connector-sdk/types.js';
import type { DvcPortalConfig } from './config.js';

/**
 * The engine makes one context per run and hands it to every stream, so keying on it gives one client per
 * connection and sync, shared by both streams (one token, one rate budget), as the SDK intends. Calls pass
 * the stream's own abort signal.
 */
const clients = new WeakMap<ConnectorContext<DvcPortalConfig>, HttpClient>();

/** The shared client, authenticated as the LGSP gateway expects: OAuth2 client credentials, refreshed on 401. */
export function portalClient(ctx: ConnectorContext<DvcPortalConfig>): HttpClient {
  const known = clients.get(ctx);
  if (known) return known;
  const client = createHttpClient({
    baseUrl: ctx.config.baseUrl,
    connectionId: ctx.connectionId,
    logger: ctx.logger,
    egress: ctx.boundary,
    timeoutMs: ctx.config.timeoutMs,
    auth: { kind: 'oauth2-client-credentials', tokenPath: '/oauth2/token', clientId: ctx.config.clientId, clientSecret: ctx.secrets.client_secret ?? '' },
  });
  clients.set(ctx, client);
  return client;
}
