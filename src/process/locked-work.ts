import type { Logger } from '../logger.js';
import { CoalescingTask } from './coalescing-task.js';
import type { DependencyWatch } from './dependency-watch.js';
import { ListeningLock, type ListeningLockOptions } from './listening-lock.js';

export interface LockedWorkOptions {
  readonly lock: ListeningLockOptions;
  /** How often a standby tries the lock, and the holder does the work without a notification (a safety net). */
  readonly pollMs: number;
  readonly logger: Logger;
  /** The work: done when the lock is taken, at each notification on the channel, and at each poll. */
  readonly work: () => Promise<unknown>;
  readonly messages: { readonly holding: string; readonly standingBy: string; readonly failed: string };
  /** Where lost connections are reported (logged once); its recoveries reconnect the lock at once. */
  readonly outages: DependencyWatch;
  /** The lock was lost: stop what runs outside `work` (another process may take over); awaited before locking again. */
  readonly onLockLost?: () => Promise<void>;
}

export interface LockedWork {
  /** Does the work now if this process holds the lock (or tries to take it), and waits for it. */
  readonly run: () => Promise<void>;
  /** Stops the work, then `beforeUnlock` (still holding the lock: no other process starts meanwhile), then unlocks. */
  readonly stop: (beforeUnlock?: () => Promise<void>) => Promise<void>;
}

/**
 * Work that one process at a time may do (the order of what it publishes depends on it): takes the advisory lock
 * or stands by, trying again every `pollMs`; while holding it, does the work on every notification and poll, a
 * burst of them coalesced into one more run. When the lock's connection fails (a PostgreSQL restart), the lock is
 * gone: the process reconnects (at each poll, and at once when the outage watch sees PostgreSQL back), LISTENs
 * again and takes the lock or stands by, as at start. Shared by the outbox relay and the webhook dispatcher.
 */
export async function startLockedWork(options: LockedWorkOptions): Promise<LockedWork> {
  const { logger, messages, outages } = options;
  let lock: ListeningLock | null = null;
  let connecting: Promise<ListeningLock> | null = null;
  let holdsLock = false;
  let saidStandingBy = false;
  let stopped = false;
  let released: Promise<unknown> = Promise.resolve();
  const task = new CoalescingTask(options.work);
  const lost = (which: ListeningLock, error: unknown) => {
    if (lock !== which) return;
    lock = null;
    holdsLock = false;
    saidStandingBy = false;
    void which.close().catch(() => undefined);
    // Nothing of this process's may still be under way when it holds the lock again.
    released = Promise.all([task.settle().catch(() => undefined), options.onLockLost?.().catch(() => undefined)]);
    void outages.report(error);
  };
  const connect = () => {
    connecting ??= ListeningLock.connect(options.lock, () => { if (holdsLock && !stopped) task.request(); })
      .then((connected) => {
        lock = connected;
        connected.onError((error) => { lost(connected, error); });
        return connected;
      })
      .finally(() => { connecting = null; });
    return connecting;
  };
  const run = async () => {
    if (stopped) return;
    let current = lock;
    try {
      if (!current) {
        await released;
        current = await connect();
      }
      if (holdsLock) {
        await current.check();
      } else {
        holdsLock = await current.tryLock();
        if (holdsLock) logger.info(messages.holding);
        else if (!saidStandingBy) logger.info(messages.standingBy);
        saidStandingBy = !holdsLock;
      }
    } catch (error) {
      if (current) lost(current, error);
      else void outages.report(error);
      return;
    }
    if (holdsLock) task.request();
    await task.settle().catch((error: unknown) => { if (!outages.reportIfLost(error)) logger.error({ err: (error as Error).message }, messages.failed); });
  };
  await run();
  const poll = setInterval(() => { void run(); }, options.pollMs);
  outages.onRecovered(() => { void run(); });
  return {
    run,
    stop: async (beforeUnlock) => {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      await task.settle().catch(() => undefined);
      await beforeUnlock?.();
      await lock?.close();
    },
  };
}
