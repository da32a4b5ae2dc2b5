/** Faults an emulator instance injects, each consumed as it fires. */
export interface EmulatorFaults {
  /** Answer the next N requests with 429 and this Retry-After (seconds). */
  tooManyRequests?: { count: number; retryAfterSeconds: number };
  /** Answer the next requests with these statuses, one each (a 500/502/503 burst). */
  serverErrors?: number[];
  /** Hold the next N requests this long before answering (beyond the client's timeout). */
  slow?: { count: number; delayMs: number };
  /** Cut the next N file downloads after half of their bytes (connection reset mid-body). */
  resetMidBody?: number;
  /** Serve corrupted bytes for the next N downloads (of `tep` only, when given): the sha256 no longer matches. */
  corruptFiles?: { count: number; tep?: string };
}

export type TransportFault = { readonly kind: 'too-many'; readonly retryAfterSeconds: number } | { readonly kind: 'status'; readonly status: number } | { readonly kind: 'slow'; readonly delayMs: number } | { readonly kind: 'none' };

/** The fault the next request meets (429 first, then 5xx, then slowness), consuming it. */
export function nextTransportFault(f: EmulatorFaults): TransportFault {
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

/** Whether this download is cut mid-body, consuming the fault. */
export function takeReset(f: EmulatorFaults): boolean {
  if (!f.resetMidBody) return false;
  f.resetMidBody--;
  return true;
}

/** Whether this download of `tep` is served corrupted, consuming the fault. */
export function takeCorruption(f: EmulatorFaults, tep: string): boolean {
  const c = f.corruptFiles;
  if (!c || c.count <= 0 || (c.tep !== undefined && c.tep !== tep)) return false;
  c.count--;
  return true;
}

/** The bytes with one digit of the first data row changed: still a valid-looking file, but not the published one. */
export function corrupt(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const firstRow = copy.indexOf(0x0a) + 1;
  const lastSeparator = copy.lastIndexOf(0x3b, copy.indexOf(0x0a, firstRow));
  for (let i = lastSeparator - 1; i > firstRow; i--) {
    const b = copy[i];
    if (b !== undefined && b >= 0x30 && b <= 0x39) {
      copy[i] = 0x30 + ((b - 0x30 + 1) % 10);
      return copy;
    }
  }
  return copy;
}
