import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../server.js';
import { apiKeyRoutes } from './api-keys.js';
import { healthRoutes } from './health.js';

/** A group of routes: an encapsulated plugin given the API's dependencies. */
export type ApiRoutes = FastifyPluginAsyncZod<{ deps: ApiDeps }>;

/** Every route group of the API, each in its own file. */
export const apiRoutes: ApiRoutes = async (app, { deps }) => {
  await app.register(healthRoutes, { deps });
  await app.register(apiKeyRoutes, { deps });
};
