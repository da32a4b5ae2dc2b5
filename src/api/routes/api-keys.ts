import { z } from 'zod';
import { auditObjectId } from '../../audit/api-recorder.js';
import { NotFoundError } from '../../errors.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../warehouse/api-keys.js';
import { apiScopes } from '../../warehouse/schema.js';
import { problemResponses } from '../problem.js';
import type { ApiRoutes } from './index.js';

const scopesSchema = z.array(z.enum(apiScopes)).min(1).describe('read: the warehouse and events; operate: connections, syncs, runs; admin: everything');
const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: scopesSchema,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
}).meta({ id: 'ApiKey' });

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** `GET /v1/whoami` for any key; key management for admins. */
export const apiKeyRoutes: ApiRoutes = async (app, { deps }) => {
  const security = [{ apiKey: [] }];
  app.get('/v1/whoami', {
    config: { scope: 'read' },
    schema: {
      tags: ['keys'], summary: 'The key this request presents: its id, name and scopes', security,
      response: { 200: z.object({ id: z.string(), name: z.string(), scopes: scopesSchema }), ...problemResponses(401, 403) },
    },
  }, (request) => {
    const key = request.apiKey;
    if (key === null) throw new Error('auth hook did not run');
    return { id: key.id, name: key.name, scopes: [...key.scopes] };
  });
  app.get('/v1/apikeys', {
    config: { scope: 'admin' },
    schema: { tags: ['keys'], summary: 'Every key (never its secret)', security, response: { 200: z.array(keySchema), ...problemResponses(401, 403) } },
  }, async () => (await listApiKeys(deps.db)).map((k) => ({ ...k, scopes: [...k.scopes], createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) })));
  app.post('/v1/apikeys', {
    config: { scope: 'admin', audit: { action: 'apikey.create', object: 'apikey' } },
    schema: {
      tags: ['keys'], summary: 'Create a key; the response is the only time its secret is shown', security,
      body: z.strictObject({ name: z.string().min(1).max(200), scopes: scopesSchema }),
      response: { 201: z.object({ id: z.string(), name: z.string(), scopes: scopesSchema, key: z.string() }), ...problemResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const created = await createApiKey(deps.db, request.body.name, request.body.scopes);
    auditObjectId(request, created.id);
    return reply.code(201).send({ ...created, scopes: [...created.scopes] });
  });
  app.delete('/v1/apikeys/:id', {
    config: { scope: 'admin', audit: { action: 'apikey.revoke', object: 'apikey', idParam: 'id' } },
    schema: {
      tags: ['keys'], summary: 'Revoke a key at once; the last active admin key is refused (409 LAST_ADMIN_KEY)', security,
      params: z.object({ id: z.string().max(100) }), response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    if (!(await revokeApiKey(deps.db, request.params.id))) throw new NotFoundError('Active API key', request.params.id, 'GET /v1/apikeys lists the keys.');
    app.apiKeys.clear();
    return reply.code(204).send(null);
  });
};
