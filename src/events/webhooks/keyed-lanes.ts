import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Runs tasks side by side, at most `concurrency` at once, but one at a time per key and in the order added: a
 * receiver gets a burst of events in parallel while each subject's events still arrive in order. A task that fails
 * stops the tasks after it under the same key (they do not run); `settle` waits for every lane and throws the
 * first failure.
 */
export class KeyedLanes {
  private readonly limit: LimitFunction;
  private readonly tails = new Map<string, Promise<void>>();

  constructor(concurrency: number) {
    this.limit = pLimit(Math.max(1, concurrency));
  }

  add(key: string, task: () => Promise<void>): void {
    const tail = (this.tails.get(key) ?? Promise.resolve()).then(() => this.limit(task));
    tail.catch(() => undefined); // reported by settle, not as an unhandled rejection meanwhile
    this.tails.set(key, tail);
  }

  async settle(): Promise<void> {
    const results = await Promise.allSettled(this.tails.values());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
