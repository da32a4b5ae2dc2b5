import type { TransportFaults } from '../../../src/connector-sdk/emulator/transport-faults.js';

/**
 * Faults an emulator instance injects; each is used up request by request. The transport faults (429, 5xx bursts,
 * slow answers, resets mid-body) are the shared model's; these are the registry's own.
 */
export interface PatentRegistryFaults extends TransportFaults {
  /** After serving page `afterPage` (0 = the first) of a paging, modify its first application: it appears again later. */
  modifyDuringPaging?: { afterPage: number };
  /**
   * Inject the transport faults into every Nth request only (default 1: every request until they are used up). 2
   * lets each client retry through, so faults spread over pages instead of exhausting one request's retries.
   */
  every?: number;
}
