import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiRoutes } from './index.js';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: z.boolean(),
  redis: z.boolean(),
});

/** `GET /health`: whether the API reaches PostgreSQL and Redis (public, for load balancers). */
export const healthRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/health', { schema: { tags: ['operations'], summary: 'Whether the API reaches PostgreSQL and Redis', response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      sql`select 1`.execute(deps.db).then(() => true, () => false),
      deps.redis.ping().then(() => true, () => false),
    ]);
    const body = { status: postgres && redis ? 'ok' as const : 'degraded' as const, postgres, redis };
    return reply.code(postgres && redis ? 200 : 503).send(body);
  });
};
