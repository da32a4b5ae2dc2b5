import type { DrillRig } from './rig.js';

/** The end of a fault, from which recovery is timed. */
export interface FaultOutcome {
  /** When the fault was over: the server back, the killed process restarted, the source healthy again. */
  readonly endedAt: number;
  readonly notes?: readonly string[];
}

/** One fault drill: a thin file in drills/ naming the fault and injecting it into a running synthetic sync. */
export interface Drill {
  /** Stable id, as the report names it. */
  readonly id: string;
  readonly fault: string;
  readonly redisPersistence: 'none' | 'aof';
  /** The relay runs from the start (default), or the drill starts it itself. */
  readonly relayAtStart?: boolean;
  /** Waits for its trigger condition, injects the fault, and returns once the fault is over. */
  inject(rig: DrillRig, runId: number): Promise<FaultOutcome>;
}

/** The fraction of the run's records committed before a mid-sync fault is injected. */
export const faultAfterShare = 1 / 3;
