import { getRun } from '../src/warehouse/sync-runs.js';
import type { SyncRun } from '../src/warehouse/sync-runs.js';
import { untilSettled, type Settled } from './conditions.js';
import type { Drill, FaultOutcome } from './drill.js';
import type { DrillServices } from './drill-services.js';
import { eventsStream, openRig, type DrillRig } from './rig.js';
import { auditStream, type StreamAudit } from './stream-audit.js';
import { outboxCounts } from './triggers.js';
import type { DrillVerdict } from './verdict.js';
import { warehouseDifferences, warehouseFingerprint, type WarehouseFingerprint } from './warehouse-fingerprint.js';

/** A drill's verdict, and the warehouse it ended with (the baseline's is what the others are held against). */
export interface DrillResult {
  readonly verdict: DrillVerdict;
  readonly fingerprint: WarehouseFingerprint | null;
  readonly runSucceeded: boolean;
}

/** The undisturbed run: the same processes, no fault. Its "recovery" is the whole run. */
export const baselineDrill: Drill = {
  id: 'baseline',
  fault: 'none (undisturbed run)',
  redisPersistence: 'none',
  inject: () => Promise.resolve({ endedAt: Date.now() }),
};

const isFinished = (run: SyncRun | undefined) => run?.finished_at != null;

function untilRunSettled(rig: DrillRig, runId: number, fault: FaultOutcome): Promise<Settled<SyncRun>> {
  return untilSettled<SyncRun>(async () => {
    const [run, outbox] = await Promise.all([getRun(rig.db, runId), outboxCounts(rig)]);
    // The outbox counts too: after the last page the run refreshes computed values for a while, writing only events.
    const progress = `${run?.status ?? 'missing'}, ${(run?.records_fetched ?? 0).toLocaleString('en')} of ${rig.services.size.records.toLocaleString('en')} records fetched, ${outbox.events.toLocaleString('en')} events in the outbox`;
    return { done: isFinished(run) ? run : undefined, progress };
  }, rig.services.size.stallSeconds * 1000, fault.endedAt);
}

/** Everything committed is on the stream: no unpublished outbox row, and at least as many entries as events. */
function untilStreamSettled(rig: DrillRig, fault: FaultOutcome): Promise<Settled<true>> {
  return untilSettled<true>(async () => {
    const [outbox, length] = await Promise.all([outboxCounts(rig), rig.events.xlen(eventsStream)]);
    return { done: outbox.unpublished === 0 && length >= outbox.events ? true : undefined, progress: `${length} ${outbox.unpublished}` };
  }, rig.services.size.stallSeconds * 1000, fault.endedAt);
}

function runFailure(settled: Settled<SyncRun>, stallSeconds: number): string | null {
  if ('stalled' in settled) return `run stuck: no progress for ${stallSeconds} s after the fault (last seen: ${settled.stalled})`;
  const run = settled.done;
  if (run.status === 'succeeded') return null;
  const error = run.error as { code?: string; message?: string } | null;
  return `run ${run.status}${error ? `: ${error.code ?? ''} ${error.message ?? ''}`.trimEnd() : ''}`;
}

function streamFailures(audit: StreamAudit, settled: Settled<true> | null): string[] {
  const failures: string[] = [];
  if (settled && 'stalled' in settled) failures.push('the stream stopped catching up with the outbox');
  if (audit.missing > 0) failures.push(`${audit.missing} of ${audit.outboxEvents} events missing from the stream`);
  if (audit.outOfOrder > 0) failures.push(`${audit.outOfOrder} events out of order within their subject, first ${audit.firstOutOfOrder ?? ''}`);
  return failures;
}

const secondsSince = (from: number, to: number) => Math.max(0, (to - from) / 1000);

/**
 * Runs one drill: a fresh warehouse and Redis, the sync worker and relay as real processes, the synthetic sync
 * queued, the fault injected at its trigger; then waits for the run to finish and the stream to catch up (or to
 * stall), and holds the warehouse against the baseline's and the stream against the outbox.
 */
export async function runDrill(services: DrillServices, drill: Drill, baseline: WarehouseFingerprint | null): Promise<DrillResult> {
  const rig = await openRig(services, drill.id, drill.redisPersistence);
  try {
    await Promise.all([rig.worker.start(), (drill.relayAtStart ?? true) && rig.relay.start()]);
    const runId = await rig.requestRun();
    let fault: FaultOutcome;
    try {
      fault = await drill.inject(rig, runId);
    } catch (error) {
      const failure = `the drill could not inject its fault: ${(error as Error).message}`;
      return { verdict: { drill: drill.id, fault: drill.fault, passed: false, failures: [failure], runRecoverySeconds: null, streamRecoverySeconds: null, stream: null, notes: [] }, fingerprint: null, runSucceeded: false };
    }
    const run = await untilRunSettled(rig, runId, fault);
    // A stuck run has failed the drill already: the stream is audited as it stands rather than waited for.
    const streamSettled = 'stalled' in run ? null : await untilStreamSettled(rig, fault);
    await Promise.all([rig.worker.stop(), rig.relay.stop()]);
    const [fingerprint, stream] = await Promise.all([warehouseFingerprint(rig.db), auditStream(rig.db, rig.events, eventsStream)]);
    const failures = [
      runFailure(run, services.size.stallSeconds),
      ...(baseline ? warehouseDifferences(baseline, fingerprint) : []),
      ...streamFailures(stream, streamSettled),
      ...rig.worker.unexpectedExits,
      ...rig.relay.unexpectedExits,
    ].filter((f): f is string => f !== null);
    const finishedAt = 'done' in run ? run.done.finished_at?.getTime() ?? run.at : null;
    return {
      verdict: {
        drill: drill.id,
        fault: drill.fault,
        passed: failures.length === 0,
        failures,
        runRecoverySeconds: finishedAt === null ? null : secondsSince(fault.endedAt, finishedAt),
        streamRecoverySeconds: streamSettled && 'done' in streamSettled ? secondsSince(fault.endedAt, streamSettled.at) : null,
        stream,
        notes: fault.notes ?? [],
      },
      fingerprint,
      runSucceeded: 'done' in run && run.done.status === 'succeeded',
    };
  } finally {
    await rig.close();
  }
}
