import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiRoutes } from './index.js';

const readinessSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: z.boolean().describe('PostgreSQL answered'),
  redis: z.boolean().describe('Redis answered'),
});
const livenessSchema = z.object({ status: z.literal('ok') });

/** A dependency that does not answer within this long counts as unreachable: a probe must not hang. */
const probeTimeoutMs = 2_000;

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, probeTimeoutMs); });
  try {
    return await Promise.race([probe().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Health for load balancers and supervisors (public, not rate limited: the limiter needs Redis).
 * `/health/live`: the process is up, nothing else checked (restart it when this fails). `/health/ready`: PostgreSQL
 * and Redis answer (send it traffic only then); `/health` is the same, kept for existing probes.
 */
export const healthRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/health/live', { config: { rateLimit: false }, schema: { tags: ['operations'], summary: 'Whether the API process is up (no dependency checked)', response: { 200: livenessSchema } } }, () => ({ status: 'ok' as const }));
  const readiness = { config: { rateLimit: false }, schema: { tags: ['operations'], summary: 'Whether the API reaches PostgreSQL and Redis', response: { 200: readinessSchema, 503: readinessSchema } } };
  for (const path of ['/health/ready', '/health']) {
    app.get(path, readiness, async (_request, reply) => {
      const [postgres, redis] = await Promise.all([answers(() => sql`select 1`.execute(deps.db)), answers(() => deps.redis.ping())]);
      const ready = postgres && redis;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' as const : 'degraded' as const, postgres, redis });
    });
  }
};
