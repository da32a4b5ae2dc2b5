import type { Drill } from './drill.js';
import { outboxCounts, untilRunFinished, untilStreamHolds } from './triggers.js';

/**
 * The outbox relay killed twice while it works through a backlog (the whole run's events, committed while no
 * relay ran): the events of the round in flight are published again, with the same ids; none is lost.
 */
export const relaySigkillBacklog: Drill = {
  id: 'relay-sigkill-backlog',
  fault: 'outbox relay SIGKILL twice during an event backlog, restarted',
  redisPersistence: 'none',
  relayAtStart: false,
  async inject(rig, runId) {
    await untilRunFinished(rig, runId);
    const { events } = await outboxCounts(rig);
    await rig.relay.start();
    const notes = ['the run finished before the fault: its events are the backlog'];
    for (const share of [1 / 3, 2 / 3]) {
      await untilStreamHolds(rig, Math.ceil(events * share));
      await rig.relay.kill();
      notes.push(`relay killed with ${(await outboxCounts(rig)).unpublished.toLocaleString('en')} of ${events.toLocaleString('en')} events unpublished`);
      await rig.relay.start();
    }
    return { endedAt: Date.now(), notes };
  },
};
