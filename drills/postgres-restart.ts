import type { Drill } from './drill.js';
import { untilRunCommittedShare } from './triggers.js';

/** PostgreSQL restarted mid-sync (`pg_ctl restart -m fast`, a minor upgrade): the processes must carry on by themselves. */
export const postgresRestart: Drill = {
  id: 'postgres-restart',
  fault: 'PostgreSQL restart (fast) mid-sync',
  redisPersistence: 'none',
  async inject(rig, runId) {
    await untilRunCommittedShare(rig, runId);
    await rig.services.postgres.restart('fast');
    return { endedAt: Date.now() };
  },
};
