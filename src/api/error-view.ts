import type { FastifyRequest } from 'fastify';
import type { ErrorView } from '../operations/runs.js';
import { hasScope } from '../warehouse/api-keys.js';

/**
 * How much of a source's failure the caller may read: admin keys see the source's own answer (the run's stored
 * error), every other key only its code and status class (src/boundary/read-back.ts, docs/security.md).
 */
export function errorViewFor(request: FastifyRequest): ErrorView {
  return request.apiKey !== null && hasScope(request.apiKey.scopes, 'admin') ? 'full' : 'public';
}
