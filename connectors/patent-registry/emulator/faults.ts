/** Faults an emulator instance injects; each counter is used up request by request. */
export interface PatentRegistryFaults {
  /** Answer the next `count` requests with 429 and this Retry-After (seconds). */
  tooManyRequests?: { count: number; retryAfterSeconds: number };
  /** Answer the next `count` requests with 500, 502, 503 in turn (or the statuses given). */
  serverErrors?: { count: number; statuses?: readonly number[] };
  /** Hold the next `count` answers this long (beyond the client's timeout, it gives up and asks again). */
  slow?: { count: number; delayMs: number };
  /** Reset the connection of the next N answers after half of the body. */
  resetMidBody?: number;
  /** After serving page `afterPage` (0 = the first) of a paging, modify its first application: it appears again later. */
  modifyDuringPaging?: { afterPage: number };
  /**
   * Inject into every Nth request only (default 1: every request until the counters are used up). 2 lets each
   * client retry through, so faults spread over pages instead of exhausting one request's retries.
   */
  every?: number;
}

/** The source's own limit: a token bucket of `burst` requests refilled at `requestsPerSecond`; above it, 429. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token; false when none is left (the request is answered 429). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.requestsPerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until a token is available again (Retry-After), at least 1. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.requestsPerSecond));
  }
}
