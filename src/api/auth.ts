import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasScope, touchApiKey, verifyApiKey, type ApiKeyIdentity } from '../warehouse/api-keys.js';
import type { Db } from '../warehouse/database.js';
import type { ApiScope } from '../warehouse/schema.js';
import { ApiProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; a route without one is public (health, the OpenAPI document, the docs). */
    scope?: ApiScope;
  }
  interface FastifyRequest {
    /** The verified key of the request, once the auth hook ran on a scoped route. */
    apiKey: ApiKeyIdentity | null;
  }
}

/** The key a request presents: `Authorization: Bearer <key>`, or `X-API-Key: <key>`. */
export function presentedKey(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : null;
}

/**
 * Checks every scoped route's key before anything else runs: 401 without a valid key, 403 when the key lacks
 * the route's scope (operate includes read, admin everything). Runs at the root, so every plugin's routes are covered.
 */
export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return;
    const presented = presentedKey(request);
    if (presented === null) {
      throw new ApiProblem(401, 'API_KEY_MISSING', 'This route needs an API key: send `Authorization: Bearer <key>`. An operator creates one with `lgsp apikey create --scopes read`.');
    }
    const key = await verifyApiKey(db, presented);
    if (key === null) throw new ApiProblem(401, 'API_KEY_INVALID', 'The API key is not valid (unknown, revoked or mistyped). Ask an operator for a key: `lgsp apikey create`.');
    request.apiKey = key;
    if (!hasScope(key.scopes, scope)) {
      throw new ApiProblem(403, 'SCOPE_MISSING', `The key "${key.name}" (${key.id}) has scopes ${key.scopes.join(', ')}; this route needs "${scope}". Create a key with it: \`lgsp apikey create --scopes ${scope}\`.`);
    }
    void touchApiKey(db, key.id).catch((error: unknown) => { request.log.warn({ err: (error as Error).message }, 'could not record the key use'); });
  });
}
