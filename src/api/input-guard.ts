import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiProblem, type Problem } from './problem.js';

type FieldError = NonNullable<Problem['errors']>[number];

const nul = '\u0000';
const nulMessage = 'contains a NUL character (\\u0000, %00), which no value of this API may hold: remove it';

/** Every string in `value` (keys included) that holds a NUL, as fields under `where`; iterative, so deep JSON cannot overflow the stack. */
function nulFields(where: string, value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const pending: { path: string; value: unknown }[] = [{ path: where, value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { path, value: current } = next;
    if (typeof current === 'string') {
      if (current.includes(nul)) found.push({ field: path, message: nulMessage });
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => pending.push({ path: `${path}.${i}`, value: item }));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes(nul)) found.push({ field: path, message: `a field name ${nulMessage}` });
        else pending.push({ path: `${path}.${key}`, value: item });
      }
    }
    if (found.length >= 20) break;
  }
  return found;
}

/** The request's NUL characters: in the URL (decoded or %00), the query, the path parameters and the JSON body. */
export function nulProblems(request: FastifyRequest): FieldError[] {
  const fields = [
    ...nulFields('params', request.params),
    ...nulFields('querystring', request.query),
    ...nulFields('body', request.body),
  ];
  // A %00 the router did not hand out as a parameter (a wildcard, a path that is no parameter) still counts.
  if (fields.length === 0 && (request.url.includes(nul) || /%00/i.test(request.url))) fields.push({ field: 'url', message: nulMessage });
  return fields;
}

/**
 * The fields of a body sent to a route that takes none (check, replay, pause ...): refused like unknown fields of
 * a route that takes one, so nothing a client sends is silently dropped. An empty body or `{}` is fine.
 */
export function unexpectedBodyFields(request: FastifyRequest): FieldError[] {
  const { body } = request;
  if (request.routeOptions.schema?.body !== undefined || body === undefined || body === null) return [];
  if (typeof body !== 'object' || Array.isArray(body)) return [{ field: 'body', message: 'this route takes no body: send none (or {})' }];
  return Object.keys(body).slice(0, 20).map((key) => ({ field: `body.${key}`, message: 'this route takes no body: leave the field out' }));
}

/**
 * Refuses, once for every route, a NUL character anywhere in a request's input (PostgreSQL text cannot hold one,
 * it would fail the query with a 500, and no code, name or id of this API needs one), and a body given to a route
 * that takes none.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const errors = [...nulProblems(request), ...unexpectedBodyFields(request)];
    if (errors.length === 0) {
      done();
      return;
    }
    done(new ApiProblem('VALIDATION_FAILED', `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors));
  });
}
