/** Faults of the contract ("Faults"), switchable per emulator instance; counts are consumed as they are served. */
export interface DvcPortalFaults {
  /** Answer the next `count` API calls with 429 and this Retry-After. */
  tooManyRequests?: { count: number; retryAfterSeconds: number };
  /** Answer the next API calls with these statuses, one each, in order (a burst). */
  serverErrors?: (500 | 502 | 503)[];
  /** Hold the next `count` API calls this long (beyond the client's timeout) before answering. */
  slow?: { count: number; delayMs: number };
  /** Cut the next N API responses after half of the body (connection reset mid-body). */
  resetMidBody?: number;
  /** Revoke every token after N more API calls: a token valid a moment ago gets a 401. */
  expireTokensAfter?: number;
  /** Serve malformed rows among the good ones (see malformed.ts). */
  malformedRows?: boolean;
  /** Revise this row after `afterReportCalls` report calls: it moves to the end while the client pages. */
  moveRowWhilePaging?: { afterReportCalls: number; id: string };
}

export interface DvcPortalStats {
  tokenRequests: number;
  apiCalls: number;
  reportCalls: number;
  catalogueCalls: number;
  /** Fault answers served (429, 5xx, resets, 401 on revoked tokens). */
  faultsServed: number;
  /** Rows moved by moveRowWhilePaging. */
  moved: number;
}
