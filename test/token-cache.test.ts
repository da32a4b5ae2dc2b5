import { describe, expect, it } from 'vitest';
import { TokenCache } from '../src/connector-sdk/http/token-cache.js';

describe('token cache', () => {
  it('a token fetch that fails with no one waiting for it is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', record);
    try {
      // The first fetch fails when the test says so (after its caller left); later ones at once.
      let failFirstFetch: ((error: Error) => void) | undefined;
      const cache = new TokenCache(() => (failFirstFetch === undefined
        ? new Promise((_resolve, reject) => { failFirstFetch = reject; })
        : Promise.reject(new Error('token endpoint aborted'))), Date.now);
      // A worker shutting down: its signal is aborted by the time it asks, so it does not wait for the fetch it starts.
      const stop = new AbortController();
      stop.abort();
      await expect(cache.token(stop.signal)).rejects.toThrow();
      failFirstFetch?.(new Error('token endpoint aborted'));
      expect(failFirstFetch).toBeDefined();
      // Unhandled rejections are reported once the microtasks have run: a turn of the event loop later.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      // The failed fetch is forgotten: the next caller fetches afresh.
      await expect(cache.token()).rejects.toThrow('token endpoint aborted');
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
