import type { Drill } from './drill.js';
import { untilRunCommittedShare } from './triggers.js';

/**
 * Redis restarted mid-sync without persistence (Redis's default in many installs): the queue's jobs and the
 * stream are gone. PostgreSQL holds the truth about runs and events; the pipeline must rebuild from it.
 */
export const redisRestartVolatile: Drill = {
  id: 'redis-restart-volatile',
  fault: 'Redis restart without persistence mid-sync',
  redisPersistence: 'none',
  async inject(rig, runId) {
    await untilRunCommittedShare(rig, runId);
    await rig.redis.restart('kill');
    return { endedAt: Date.now() };
  },
};
