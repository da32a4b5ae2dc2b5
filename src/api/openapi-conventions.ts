import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { problemResponses } from './problem.js';

/**
 * What every operation of the OpenAPI document gets without its route saying so, so that a new route cannot miss
 * it (test/openapi-client.test.ts checks the result): a stable operationId derived from method and path, `security: []`
 * on public routes, the 429 of the rate limit every route is under. The document keeps only the components it uses.
 */

const pascal = (words: string) => words.split(/[^A-Za-z0-9]+/).filter((w) => w !== '').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/**
 * `GET /v1/webhooks/:id` → `getWebhooksById`, `POST /v1/webhooks/dead-letters/:id/redeliver` →
 * `postWebhooksDeadLettersByIdRedeliver`: stable as long as the route is, so generated clients keep their method
 * names. A route may set its own `operationId` instead.
 */
export function derivedOperationId(method: string, url: string): string {
  const segments = url.split('/').filter((s) => s !== '' && s !== 'v1');
  return method.toLowerCase() + segments.map((s) => (s.startsWith(':') ? `By${pascal(s.slice(1))}` : pascal(s))).join('');
}

export const transformRouteSchema: SwaggerTransform = (input) => {
  const { schema, route } = input;
  const method = Array.isArray(route.method) ? (route.method[0] ?? 'GET') : route.method;
  const responses = (schema.response ?? {}) as Record<string, unknown>;
  const completed = {
    ...schema,
    operationId: schema.operationId ?? derivedOperationId(method, route.url),
    // Public routes (no scope) say so, rather than leave readers to guess.
    ...(route.config?.scope === undefined && schema.security === undefined ? { security: [] } : {}),
    response: '429' in responses ? responses : { ...responses, ...problemResponses(429) },
  };
  return jsonSchemaTransform({ ...input, schema: completed });
};

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') into.add(item);
      else collectRefs(item, into);
    }
  }
}

/** The document without the schemas no operation reaches (the zod provider registers an input and an output form of each). */
export const transformDocument: SwaggerTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input) as OpenAPIV3_1.Document;
  const schemas = document.components?.schemas;
  if (schemas === undefined) return document;
  const prefix = '#/components/schemas/';
  const used = new Set<string>();
  collectRefs({ ...document, components: { ...document.components, schemas: {} } }, used);
  for (let grew = true; grew;) {
    const before = used.size;
    for (const ref of [...used]) if (ref.startsWith(prefix)) collectRefs(schemas[ref.slice(prefix.length)], used);
    grew = used.size > before;
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(prefix + name)));
  return { ...document, components: { ...document.components, schemas: kept } };
};
