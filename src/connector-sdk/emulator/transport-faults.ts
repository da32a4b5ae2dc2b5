/** The transport faults of sources.md ("Faults") that any emulator can inject, each consumed as it fires. */
export interface TransportFaults {
  /** Answer the next N requests with 429 and this Retry-After (seconds). */
  tooManyRequests?: { count: number; retryAfterSeconds: number };
  /** Answer the next requests with these statuses, one each (a 500/502/503 burst). */
  serverErrors?: number[];
  /** Hold the next N requests this long before answering (beyond the client's timeout). */
  slow?: { count: number; delayMs: number };
  /** Cut the next N answers after half of their bytes: a connection reset mid-body. */
  resetMidBody?: number;
}

export type TransportFault =
  | { readonly kind: 'too-many'; readonly retryAfterSeconds: number }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'none' };

/** The fault the next request meets (429 first, then 5xx, then slowness), consuming it. */
export function nextTransportFault(f: TransportFaults): TransportFault {
  if (f.tooManyRequests && f.tooManyRequests.count > 0) {
    f.tooManyRequests.count--;
    return { kind: 'too-many', retryAfterSeconds: f.tooManyRequests.retryAfterSeconds };
  }
  const status = f.serverErrors?.shift();
  if (status !== undefined) return { kind: 'status', status };
  if (f.slow && f.slow.count > 0) {
    f.slow.count--;
    return { kind: 'slow', delayMs: f.slow.delayMs };
  }
  return { kind: 'none' };
}

/** Whether this answer is cut mid-body, consuming the fault. */
export function takeReset(f: TransportFaults): boolean {
  if (!f.resetMidBody) return false;
  f.resetMidBody--;
  return true;
}
