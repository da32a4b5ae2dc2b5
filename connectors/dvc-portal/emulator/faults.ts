import type { TransportFaults } from '../../../src/connector-sdk/emulator/transport-faults.js';

/**
 * Faults of the contract ("Faults"), switchable per emulator instance; counts are consumed as they are served.
 * The transport faults (429, 5xx bursts, slow answers, resets mid-body) are the shared model's; these are the portal's own.
 */
export interface DvcPortalFaults extends TransportFaults {
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
