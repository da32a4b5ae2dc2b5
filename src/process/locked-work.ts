import type { Logger } from '../logger.js';
import { CoalescingTask } from './coalescing-task.js';
import { ListeningLock, type ListeningLockOptions } from './listening-lock.js';

export interface LockedWorkOptions {
  readonly lock: ListeningLockOptions;
  /** How often a standby tries the lock, and the holder does the work without a notification (a safety net). */
  readonly pollMs: number;
  readonly logger: Logger;
  /** The work: done when the lock is taken, at each notification on the channel, and at each poll. */
  readonly work: () => Promise<unknown>;
  readonly messages: { readonly holding: string; readonly standingBy: string; readonly failed: string; readonly lost: string };
  /** The lock's connection failed: the lock is gone and another process may work now, so the caller must stop. */
  readonly onLockLost: (error: Error) => void;
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
 * burst of them coalesced into one more run. Shared by the outbox relay and the webhook dispatcher.
 */
export async function startLockedWork(options: LockedWorkOptions): Promise<LockedWork> {
  const { logger, messages } = options;
  let holdsLock = false;
  let saidStandingBy = false;
  let stopped = false;
  const task = new CoalescingTask(options.work);
  const lock = await ListeningLock.connect(options.lock, () => { if (holdsLock && !stopped) task.request(); });
  const lost = (error: Error) => {
    logger.error({ err: error.message }, messages.lost);
    options.onLockLost(error);
  };
  lock.onError(lost);
  const run = async () => {
    if (stopped) return;
    try {
      if (holdsLock) {
        await lock.check();
      } else {
        holdsLock = await lock.tryLock();
        if (holdsLock) logger.info(messages.holding);
        else if (!saidStandingBy) logger.info(messages.standingBy);
        saidStandingBy = !holdsLock;
      }
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (holdsLock) task.request();
    await task.settle().catch((error: unknown) => { logger.error({ err: (error as Error).message }, messages.failed); });
  };
  await run();
  const poll = setInterval(() => { void run(); }, options.pollMs);
  return {
    run,
    stop: async (beforeUnlock) => {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      await task.settle().catch(() => undefined);
      await beforeUnlock?.();
      await lock.close();
    },
  };
}
