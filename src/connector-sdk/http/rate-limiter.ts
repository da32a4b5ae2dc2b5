import { performance } from 'node:perf_hooks';
import type { Sleep } from './types.js';

/**
 * Spaces requests at least 1/requestsPerSecond apart (no bursts): every caller reserves the next free slot and
 * waits for it, so N requests take at least (N-1)/rate seconds however many run concurrently. Retries and token
 * requests take slots too: everything this client sends counts against the source's limit.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private nextSlotMs = 0;

  constructor(
    requestsPerSecond: number,
    private readonly sleep: Sleep,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = 1000 / requestsPerSecond;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + this.intervalMs;
    if (slot > now) await this.sleep(Math.ceil(slot - now), signal);
  }
}
