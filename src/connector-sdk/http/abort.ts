import type { Sleep } from './types.js';

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('The operation was aborted', { cause: reason });
}

/** Timer-based wait that ends early, rejecting with the signal's reason, when `signal` aborts. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Waits for `promise`, but stops waiting (rejecting with the signal's reason) when `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A signal that aborts when any of the linked ones does; `dispose()` unlinks it (call it when the work ends). */
export interface LinkedSignal {
  readonly signal: AbortSignal | undefined;
  readonly dispose: () => void;
}

/** Per parent signal, the controllers of the calls in flight: the parent carries one listener, however many calls. */
const children = new WeakMap<AbortSignal, Set<AbortController>>();

function childrenOf(parent: AbortSignal): Set<AbortController> {
  let set = children.get(parent);
  if (set === undefined) {
    const created = new Set<AbortController>();
    parent.addEventListener(
      'abort',
      () => {
        for (const controller of created) controller.abort(parent.reason);
        created.clear();
      },
      { once: true },
    );
    children.set(parent, created);
    set = created;
  }
  return set;
}

/**
 * Links the given signals (the client's, the call's) into one for a single call. Each parent signal gets one
 * listener for its lifetime however many calls run at once (no MaxListenersExceededWarning, unlike adding a
 * listener per call or AbortSignal.any), and `dispose()` forgets the call when it is over.
 */
export function linkSignals(...signals: (AbortSignal | undefined)[]): LinkedSignal {
  const parents = signals.filter((s): s is AbortSignal => s !== undefined);
  if (parents.length === 0) return { signal: undefined, dispose: () => undefined };
  const controller = new AbortController();
  const aborted = parents.find((s) => s.aborted);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  for (const parent of parents) childrenOf(parent).add(controller);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const parent of parents) children.get(parent)?.delete(controller);
    },
  };
}
