import type { Drill } from './drill.js';
import { untilRunCommittedShare } from './triggers.js';

/** The sync worker is killed mid-sync (a crash, an OOM kill) and started again: the run resumes from its cursor. */
export const workerSigkill: Drill = {
  id: 'worker-sigkill',
  fault: 'sync worker SIGKILL mid-sync, restarted',
  redisPersistence: 'none',
  async inject(rig, runId) {
    await untilRunCommittedShare(rig, runId);
    await rig.worker.kill();
    await rig.worker.start();
    return { endedAt: Date.now() };
  },
};
