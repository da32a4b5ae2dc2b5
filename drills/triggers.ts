import { sql } from 'kysely';
import { getRun } from '../src/warehouse/sync-runs.js';
import { until } from './conditions.js';
import { faultAfterShare } from './drill.js';
import { eventsStream, type DrillRig } from './rig.js';

/** Resolves once the run has committed the share of the source's records at which mid-sync faults strike. */
export async function untilRunCommittedShare(rig: DrillRig, runId: number, share = faultAfterShare): Promise<void> {
  const records = Math.floor(rig.services.size.records * share);
  await until(`run ${runId} to commit ${records} records`, async () => {
    const run = await getRun(rig.db, runId);
    if (run && run.status !== 'queued' && run.status !== 'running') throw new Error(`run ${runId} ${run.status} before the fault`);
    return (run?.records_fetched ?? 0) >= records ? true : undefined;
  });
}

/** The run's final state, once it has one. */
export async function untilRunFinished(rig: DrillRig, runId: number): Promise<void> {
  await until(`run ${runId} to finish`, async () => {
    const run = await getRun(rig.db, runId);
    return run?.finished_at ? true : undefined;
  });
}

/** Events committed to the outbox (a batch row counts its revisions) and those not yet published. */
export async function outboxCounts(rig: DrillRig): Promise<{ events: number; unpublished: number }> {
  const r = await sql<{ events: number; unpublished: number }>`
    select coalesce(sum(coalesce(cardinality(revision_ids), 1)), 0)::int as events,
           coalesce(sum(coalesce(cardinality(revision_ids), 1)) filter (where published_at is null), 0)::int as unpublished
    from outbox_event`.execute(rig.db);
  return r.rows[0] ?? { events: 0, unpublished: 0 };
}

/** Resolves once the stream holds at least `entries` entries (polled often: a relay publishes fast). */
export async function untilStreamHolds(rig: DrillRig, entries: number): Promise<void> {
  await until(`the stream to hold ${entries} entries`, async () => ((await rig.events.xlen(eventsStream)) >= entries ? true : undefined), { everyMs: 20 });
}
