/** Waiting for conditions, never for a fixed time: probes that throw (a server restarting) count as "not yet". */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function attempt<T>(probe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await probe();
  } catch {
    return undefined;
  }
}

/** Polls until `probe` returns a value; throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, options: { everyMs?: number; timeoutMs?: number } = {}): Promise<T> {
  const { everyMs = 200, timeoutMs = 15 * 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt(probe);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(everyMs);
  }
}

/** What a watched probe reports: `done` once the awaited state is reached, else how far things have got. */
export interface Watched<T> {
  readonly done: T | undefined;
  /** Changes whenever the work moves on (a page committed, an event published). */
  readonly progress: string;
}

export type Settled<T> = { readonly done: T; readonly at: number } | { readonly stalled: string };

/**
 * Polls until `probe` reports done, or until its progress has not moved for `stallMs` from `notBefore` on (the
 * end of a fault: an outage is not a stall). A stall is a result, not an error: it is what a drill reports.
 */
export async function untilSettled<T>(probe: () => Promise<Watched<T>>, stallMs: number, notBefore: number): Promise<Settled<T>> {
  let last = '';
  let movedAt = notBefore;
  for (;;) {
    const seen = await attempt(probe);
    if (seen?.done !== undefined) return { done: seen.done, at: Date.now() };
    if (seen && seen.progress !== last) {
      last = seen.progress;
      movedAt = Math.max(Date.now(), notBefore);
    }
    if (Date.now() - movedAt > stallMs) return { stalled: last === '' ? 'never reachable' : last };
    await pause(200);
  }
}
