import type { Db } from '../../src/warehouse/database.js';
import { getRun, type SyncRun } from '../../src/warehouse/sync-runs.js';
import { waitFor } from './worker-process.js';

/** Waits until the run has left `queued` and `running`, and returns it as it ended. */
export function runEnded(db: Db, runId: number): Promise<SyncRun> {
  return waitFor(`run ${runId} to end`, async () => {
    const r = await getRun(db, runId);
    return r && r.status !== 'queued' && r.status !== 'running' ? r : undefined;
  });
}
