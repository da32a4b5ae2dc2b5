import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorCatalogue, LgspError, type ErrorCode } from '../errors.js';
import type { DependencyWatch } from '../process/dependency-watch.js';
import { dependencyRetryAfterSeconds, dependencyUnavailableFor } from './dependency-unavailable.js';
import { httpRefusal, statusTitle } from './http-errors.js';
import { loggableError } from './loggable-error.js';

/** An RFC 9457 problem document, with our stable `code` and, for invalid input, the fields at fault. */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the problem kind: `urn:lgsp-connect:problem:<code>`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable code, e.g. NOT_FOUND, VALIDATION_FAILED'),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** An error the API raises on purpose (auth, rate limits, route-specific refusals); its status is its code's. */
export class ApiProblem extends LgspError {
  constructor(code: ErrorCode, message: string, readonly errors?: Problem['errors']) {
    super(code, message);
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

export function problem(status: number, code: ErrorCode, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:lgsp-connect:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: statusTitle(status), status, detail, code, ...extra };
}

function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/**
 * Every error leaves the API as `application/problem+json`; invalid input names the field at fault. A lost
 * connection to PostgreSQL or Redis is a 503 with Retry-After (reported to `outages`, which logs it once).
 */
export function registerProblemHandlers(app: FastifyInstance, outages?: DependencyWatch): void {
  app.setErrorHandler(async (thrown: unknown, request, reply) => {
    const instance = request.url;
    const error = thrown as FastifyError;
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.flatMap((v) => {
        const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        const field = [error.validationContext, path].filter((p) => p !== undefined && p !== '').join('.');
        // An unknown field is named itself (body.colour), not only its object.
        const unknownKeys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
        if (Array.isArray(unknownKeys)) {
          return unknownKeys.map((key) => ({ field: `${field}.${String(key)}`, message: 'unknown field: leave it out (the OpenAPI document at /openapi.json lists the fields)' }));
        }
        return [{ field, message: v.message ?? 'invalid' }];
      });
      const detail = `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
      return sendProblem(reply, problem(400, 'VALIDATION_FAILED', detail, { instance, errors }));
    }
    const unavailable = await dependencyUnavailableFor(thrown, outages);
    if (unavailable !== undefined) {
      if (!outages) request.log.warn({ err: loggableError(thrown) }, 'request failed: a dependency is unreachable');
      reply.header('retry-after', String(dependencyRetryAfterSeconds));
      return sendProblem(reply, problem(503, 'DEPENDENCY_UNAVAILABLE', unavailable, { instance }));
    }
    if (thrown instanceof LgspError) {
      const { status } = errorCatalogue[thrown.code];
      if (status >= 500) request.log.error({ err: loggableError(thrown) }, 'request failed');
      const errors = thrown instanceof ApiProblem ? thrown.errors : undefined;
      return sendProblem(reply, problem(status, thrown.code, thrown.message, { instance, ...(errors ? { errors } : {}) }));
    }
    if (error.statusCode === 429) return sendProblem(reply, problem(429, 'RATE_LIMITED', error.message, { instance }));
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own refusals: malformed JSON, unsupported media type, body too large.
      const refusal = httpRefusal(error.statusCode, error.code, error.message);
      return sendProblem(reply, problem(refusal.status, refusal.code, refusal.detail, { instance }));
    }
    if (isResponseSerializationError(error)) request.log.error({ err: loggableError(error), issues: error.cause.issues }, 'response does not match its schema');
    else request.log.error({ err: loggableError(error) }, 'request failed');
    return sendProblem(reply, problem(500, 'INTERNAL', 'The request failed on our side; the server log has the details (search for this URL).', { instance }));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}. The API is described at /openapi.json and /docs.`, { instance: request.url })),
  );
}

/** The problem responses a route declares in its schema (for the OpenAPI document). */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema.describe(statusTitle(s))]));
}
