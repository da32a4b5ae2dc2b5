import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../server.js';
import { apiKeyRoutes } from './api-keys.js';
import { auditRoutes } from './audit.js';
import { connectionRoutes } from './connections.js';
import { eventsStreamRoutes } from './events-stream.js';
import { healthRoutes } from './health.js';
import { indicatorRoutes } from './indicators.js';
import { metricsRoutes } from './metrics.js';
import { observationRoutes } from './observations.js';
import { queueDashboardRoutes } from './queue-dashboard.js';
import { rejectedRoutes } from './rejected.js';
import { runRoutes } from './runs.js';
import { targetRoutes } from './targets.js';
import { unitAliasRoutes } from './unit-aliases.js';
import { unitRoutes } from './units.js';
import { webhookRoutes } from './webhooks.js';

/** A group of routes: an encapsulated plugin given the API's dependencies. */
export type ApiRoutes = FastifyPluginAsyncZod<{ deps: ApiDeps }>;

/** Every route group of the API, each in its own file. */
export const apiRoutes: ApiRoutes = async (app, { deps }) => {
  await app.register(metricsRoutes, { deps }); // first: its hook times the routes of the groups after it
  await app.register(healthRoutes, { deps });
  await app.register(apiKeyRoutes, { deps });
  await app.register(connectionRoutes, { deps });
  await app.register(runRoutes, { deps });
  await app.register(rejectedRoutes, { deps });
  await app.register(indicatorRoutes, { deps });
  await app.register(unitAliasRoutes, { deps }); // before units: /v1/units/aliases is not a unit
  await app.register(unitRoutes, { deps });
  await app.register(observationRoutes, { deps });
  await app.register(targetRoutes, { deps });
  await app.register(eventsStreamRoutes, { deps });
  await app.register(queueDashboardRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(auditRoutes, { deps });
};
