import type { StreamAudit } from './stream-audit.js';

/** What one drill found. */
export interface DrillVerdict {
  readonly drill: string;
  /** The fault, as the report names it. */
  readonly fault: string;
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly failures: readonly string[];
  /** Seconds from the end of the fault (service back, process restarted) to the run finishing; null if it did not. */
  readonly runRecoverySeconds: number | null;
  /** Seconds from the end of the fault to every committed event being on the stream; null if it never was. */
  readonly streamRecoverySeconds: number | null;
  readonly stream: StreamAudit | null;
  /** What the drill did and saw beside the figures (e.g. how many events were unpublished at a kill). */
  readonly notes: readonly string[];
}

const seconds = (s: number | null) => (s === null ? '—' : `${s.toFixed(1)} s`);

/** One line: PASS/FAIL, the drill, recovery times, missing and duplicate events, and why it failed. */
export function verdictLine(v: DrillVerdict): string {
  const acrossKinds = v.stream && v.stream.outOfOrderAcrossKinds > 0 ? ` (${v.stream.outOfOrderAcrossKinds} after a later event of another kind with the same subject)` : '';
  const stream = v.stream ? `${v.stream.missing} missing, ${v.stream.duplicates} duplicates, ${v.stream.outOfOrder} out of order per subject${acrossKinds}` : 'stream not audited';
  const why = v.passed ? '' : ` — ${v.failures.join('; ')}`;
  const notes = v.notes.length > 0 ? ` (${v.notes.join('; ')})` : '';
  return `${v.passed ? 'PASS' : 'FAIL'} ${v.drill}: run finished ${seconds(v.runRecoverySeconds)} after the fault, stream caught up ${seconds(v.streamRecoverySeconds)}; ${stream}${why}${notes}`;
}
