import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasScope, type ApiKeyIdentity } from '../warehouse/api-keys.js';
import type { Db } from '../warehouse/database.js';
import type { ApiScope } from '../warehouse/schema.js';
import type { AuthFailureCounter } from './auth-failures.js';
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

/** The refusal of an address that failed to authenticate too often: no key is looked up until `retryAfterSeconds`. */
class AuthFailuresLimited extends ApiProblem {
  constructor(readonly retryAfterSeconds: number) {
    super('AUTH_FAILURES_LIMITED', `Too many failed authentications from this address; retry after ${retryAfterSeconds} s with a valid key (\`lgsp apikey list\` shows the keys, \`lgsp apikey create\` makes one).`);
  }
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
  if (refusal instanceof AuthFailuresLimited) reply.header('retry-after', String(refusal.retryAfterSeconds));
  return reply.code(refusal.status).type('application/problem+json').send(problem(refusal.status, refusal.code, refusal.message, { instance: request.url }));
}

/**
 * Checks every scoped route's key before anything else runs: 401 without a valid key, 403 when the key lacks
 * the route's scope (operate includes read, admin everything). Runs at the root, so every plugin's routes are covered.
 * Each 401 and 403 counts against the client address; past the limit the address gets 429s, no key looked up.
 */
export function registerAuth(app: FastifyInstance, db: Db, failures: AuthFailureCounter): void {
  const keys = new VerifiedKeyCache(db, 5_000);
  // Requests presenting the same key at once share one counted lookup: a client's burst is not a flood of guesses.
  const lookups = new Map<string, Promise<ApiKeyIdentity | null>>();
  const lookUp = (presented: string, attempts: AddressAttempts): Promise<ApiKeyIdentity | null> => {
    const running = lookups.get(presented);
    if (running !== undefined) return running;
    const lookup = (async () => {
      await attempts.reserve();
      const key = await keys.verify(presented);
      if (key !== null) await attempts.release();
      return key;
    })().finally(() => lookups.delete(presented));
    lookups.set(presented, lookup);
    return lookup;
  };
  app.decorate('apiKeys', keys);
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return undefined;
    try {
      request.apiKey = await authenticate(request, scope, keys, new AddressAttempts(request, failures), lookUp);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return refuse(request, reply, error);
    }
    keys.touch(request.apiKey.id, (error) => { request.log.warn({ err: error.message }, 'could not record the key use'); });
    return undefined;
  });
}

/**
 * The failed-authentication count of one request's client address. Without Redis the count is unknown: the request
 * goes on (the key check still holds) and the log says so, rather than every request failing.
 */
class AddressAttempts {
  constructor(private readonly request: FastifyRequest, private readonly failures: AuthFailureCounter) {}

  private async counted<T>(what: string, step: () => Promise<T>, otherwise: T): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.request.log.warn({ err: (error as Error).message }, `could not ${what} the failed-authentication count`);
      return otherwise;
    }
  }

  /** Throws the 429 when the address is over the limit. */
  async refuseIfBlocked(): Promise<void> {
    const blockedMs = await this.counted('read', () => this.failures.blockedFor(this.request.ip), null);
    if (blockedMs !== null) throw new AuthFailuresLimited(Math.ceil(blockedMs / 1000));
  }

  /** Counts an attempt before a key is looked up; throws the 429 when the address is over the limit. */
  async reserve(): Promise<void> {
    const blockedMs = await this.counted('add to', () => this.failures.reserve(this.request.ip), null);
    if (blockedMs !== null) throw new AuthFailuresLimited(Math.ceil(blockedMs / 1000));
  }

  release(): Promise<void> {
    return this.counted('take back from', () => this.failures.release(this.request.ip), undefined);
  }

  record(): Promise<void> {
    return this.counted('add to', () => this.failures.record(this.request.ip), undefined);
  }
}

/**
 * The route's key check: the key, or the refusal. A key verified lately costs nothing; any other attempt (a key to
 * look up, or none at all) is counted before it is checked and given back when the key is valid, so a burst of
 * guesses from one address gets at most the limit's worth of lookups.
 */
async function authenticate(
  request: FastifyRequest, scope: ApiScope, keys: VerifiedKeyCache, attempts: AddressAttempts,
  lookUp: (presented: string, attempts: AddressAttempts) => Promise<ApiKeyIdentity | null>,
): Promise<ApiKeyIdentity> {
  const presented = presentedKey(request);
  let key = presented === null ? null : keys.cached(presented);
  if (key !== null) {
    await attempts.refuseIfBlocked();
  } else if (presented === null) {
    await attempts.reserve();
    throw new ApiProblem('API_KEY_MISSING', 'This route needs an API key: send `Authorization: Bearer <key>`. An operator creates one with `lgsp apikey create --scopes read`.');
  } else {
    key = await lookUp(presented, attempts);
    if (key === null) throw new ApiProblem('API_KEY_INVALID', 'The API key is not valid (unknown, revoked or mistyped). Ask an operator for a key: `lgsp apikey create`.');
  }
  // Known from here on, refused or not (the audit log names who was refused a scope).
  request.apiKey = key;
  if (!hasScope(key.scopes, scope)) {
    await attempts.record();
    throw new ApiProblem('SCOPE_MISSING', `The key "${key.name}" (${key.id}) has scopes ${key.scopes.join(', ')}; this route needs "${scope}". Create a key with it: \`lgsp apikey create --scopes ${scope}\`.`);
  }
  return key;
}
