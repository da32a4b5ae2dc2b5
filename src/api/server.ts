import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { registerAuditLog } from '../audit/api-recorder.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import type { SyncQueue } from '../queue/sync-queue.js';
import type { Db } from '../warehouse/database.js';
import { AuthFailureCounter } from './auth-failures.js';
import { registerAuth } from './auth.js';
import { clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { registerInputGuard } from './input-guard.js';
import { transformDocument, transformRouteSchema } from './openapi-conventions.js';
import { registerSecurityHeaders } from './security-headers.js';
import { ApiProblem, registerProblemHandlers } from './problem.js';
import { apiRoutes } from './routes/index.js';

/** What the API's routes work with; the caller owns them (and closes them after the server). */
export interface ApiDeps {
  readonly config: AppConfig;
  readonly db: Db;
  readonly logger: Logger;
  /** A shared, non-blocking connection: rate limits, queue counts. Blocking reads open their own. */
  readonly redis: Redis;
  /** The sync queue: starting syncs, schedules, queue depths, the queue dashboard. */
  readonly syncQueue: SyncQueue;
  /** The process's outage watch: lost connections are logged once and answered 503. */
  readonly outages?: DependencyWatch;
}

export const apiVersion = '1.0.0';

/**
 * The HTTP API: every route's schema is zod (validated on the way in, serialised on the way out, and rendered
 * into the OpenAPI 3.1 document at /openapi.json, browsable at /docs); every error is a problem document.
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; typed as such so plugins see the default logger type.
  const loggerInstance: FastifyBaseLogger = deps.logger.child({ component: 'api' });
  const { api } = deps.config;
  const app = Fastify({
    loggerInstance,
    // X-Forwarded-For is believed from the configured proxies only: anyone else could pick their own address.
    trustProxy: api.trustProxy.length > 0 ? [...api.trustProxy] : false,
    // Limits the time to receive a request (headers and body), not the response: event streams last.
    requestTimeout: api.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(api.requestTimeoutMs, 20_000),
      // Node checks the two timeouts above this often (default 30 s); a tenth of the limit keeps it close to its value.
      connectionsCheckingInterval: Math.max(50, Math.min(Math.floor(api.requestTimeoutMs / 10), 5_000)),
    },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app, deps.outages);
  await registerSecurityHeaders(app, { hstsMaxAgeSeconds: api.hstsMaxAgeSeconds });
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lgsp-connect API',
        version: apiVersion,
        license: { name: 'MIT', identifier: 'MIT' },
        description: 'The indicator warehouse of Resolution 57-NQ/TW, its change events and the sync operations. Authenticate with `Authorization: Bearer <key>` (`lgsp apikey create`).',
      },
      servers: [{ url: api.publicUrl, description: 'LGSP_API_PUBLIC_URL' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `lgsp apikey create`' } } },
    },
    transform: transformRouteSchema,
    transformObject: transformDocument,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const failures = new AuthFailureCounter(deps.redis, deps.config.queue.prefix, { limit: api.authFailureLimit, windowMs: api.authFailureWindowMs });
  registerAuth(app, deps.db, failures);
  registerAuditLog(app, deps.db); // every state-changing request, refused ones too, into the append-only audit log
  await app.register(rateLimit, {
    // After auth (preHandler), so the limit is counted per key; public routes are counted per address.
    hook: 'preHandler',
    max: deps.config.api.rateLimitPerMinute,
    timeWindow: '1 minute',
    redis: deps.redis,
    nameSpace: `${deps.config.queue.prefix}:ratelimit:`,
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ApiProblem('RATE_LIMITED', `Rate limit of ${context.max} requests per ${context.after} reached for this key; retry after ${context.after}, or ask an operator for a higher LGSP_API_RATE_LIMIT.`),
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(apiRoutes, { deps });
  return app;
}
