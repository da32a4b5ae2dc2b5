import type { Drill } from './drill.js';
import { untilRunCommittedShare } from './triggers.js';

/** The source answers 503 to every page request for a while mid-sync (its own outage), then recovers. */
export const sourceOutage: Drill = {
  id: 'source-5xx',
  fault: 'source answers HTTP 503 mid-sync, then recovers',
  redisPersistence: 'none',
  async inject(rig, runId) {
    await untilRunCommittedShare(rig, runId);
    const { source, size } = rig.services;
    source.faults.unavailable = Number.MAX_SAFE_INTEGER;
    try {
      // The outage lasts a set time by definition: the one timed wait of the drills.
      await new Promise((resolve) => setTimeout(resolve, size.sourceOutageSeconds * 1000));
    } finally {
      source.faults.unavailable = 0;
    }
    return { endedAt: Date.now(), notes: [`the source answered 503 for ${size.sourceOutageSeconds} s`] };
  },
};
