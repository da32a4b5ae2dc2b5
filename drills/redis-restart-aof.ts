import type { Drill } from './drill.js';
import { untilRunCommittedShare } from './triggers.js';

/** Redis restarted mid-sync with an append-only file (every write fsynced): jobs and stream survive the restart. */
export const redisRestartAof: Drill = {
  id: 'redis-restart-aof',
  fault: 'Redis restart with AOF mid-sync',
  redisPersistence: 'aof',
  async inject(rig, runId) {
    await untilRunCommittedShare(rig, runId);
    await rig.redis.restart('kill');
    return { endedAt: Date.now() };
  },
};
