import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasScope, type ApiKeyIdentity } from '../warehouse/api-keys.js';
import type { Db } from '../warehouse/database.js';
import type { ApiScope } from '../warehouse/schema.js';
import { VerifiedKeyCache } from './key-cache.js';
import { ApiProblem, problem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; a route without one is public (health, the OpenAPI document, the docs). */
    scope?: ApiScope;
    /**
     * For pages a browser opens (the queue dashboard): a 401 asks for credentials (`WWW-Authenticate: Basic`), so
     * the browser prompts, and the API key is typed as the password (any user name).
     */
    browserLogin?: boolean;
  }
  interface FastifyInstance {
    /** The keys verified lately; cleared when a key is revoked here. */
    apiKeys: VerifiedKeyCache;
  }
  interface FastifyRequest {
    /** The verified key of the request, once the auth hook ran on a scoped route. */
    apiKey: ApiKeyIdentity | null;
  }
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, `X-API-Key: <key>`, or `Authorization: Basic` with
 * the key as the password (what a browser sends after its login prompt, and Prometheus' `basic_auth`).
 */
export function presentedKey(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return bearer[1] ?? null;
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (!basic) return null;
    const credentials = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = credentials.indexOf(':');
    return colon < 0 || colon === credentials.length - 1 ? null : credentials.slice(colon + 1);
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : null;
}

/** The realm a browser shows in its login prompt. */
export const browserLoginRealm = 'lgsp-connect (password: an API key)';

/**
 * A refusal, answered here rather than thrown: the same problem document on every route, whatever error
 * handler the route's plugin set (the queue dashboard's has its own).
 */
function refuse(request: FastifyRequest, reply: FastifyReply, refusal: ApiProblem): FastifyReply {
  if (refusal.status === 401 && request.routeOptions.config.browserLogin === true) {
    reply.header('www-authenticate', `Basic realm="${browserLoginRealm}", charset="UTF-8"`);
  }
  return reply.code(refusal.status).type('application/problem+json').send(problem(refusal.status, refusal.code, refusal.message, { instance: request.url }));
}

/**
 * Checks every scoped route's key before anything else runs: 401 without a valid key, 403 when the key lacks
 * the route's scope (operate includes read, admin everything). Runs at the root, so every plugin's routes are covered.
 */
export function registerAuth(app: FastifyInstance, db: Db): void {
  const keys = new VerifiedKeyCache(db, 5_000);
  app.decorate('apiKeys', keys);
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request, reply) => {
    try {
      await authenticate(request, keys);
    } catch (error) {
      if (error instanceof ApiProblem) return refuse(request, reply, error);
      throw error;
    }
  });
}

/** The route's key check: returns when the route is public or the key may use it, throws the refusal otherwise. */
async function authenticate(request: FastifyRequest, keys: VerifiedKeyCache): Promise<void> {
  const scope = request.routeOptions.config.scope;
  if (scope === undefined) return;
  const presented = presentedKey(request);
  if (presented === null) {
    throw new ApiProblem(401, 'API_KEY_MISSING', 'This route needs an API key: send `Authorization: Bearer <key>`. An operator creates one with `lgsp apikey create --scopes read`.');
  }
  const key = await keys.verify(presented);
  if (key === null) throw new ApiProblem(401, 'API_KEY_INVALID', 'The API key is not valid (unknown, revoked or mistyped). Ask an operator for a key: `lgsp apikey create`.');
  request.apiKey = key;
  if (!hasScope(key.scopes, scope)) {
    throw new ApiProblem(403, 'SCOPE_MISSING', `The key "${key.name}" (${key.id}) has scopes ${key.scopes.join(', ')}; this route needs "${scope}". Create a key with it: \`lgsp apikey create --scopes ${scope}\`.`);
  }
  keys.touch(key.id, (error) => { request.log.warn({ err: error.message }, 'could not record the key use'); });
}
