import { describe, expect, it } from 'vitest';
import { TokenCache } from '../src/connector-sdk/http/token-cache.js';

describe('token cache', () => {
  it('a token fetch that fails with no one waiting for it is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', record);
    try {
      const cache = new TokenCache(() => new Promise((_resolve, reject) => { setTimeout(() => { reject(new Error('token endpoint aborted')); }, 20); }), Date.now);
      // A worker shutting down: its signal is aborted by the time it asks, so it does not wait for the fetch it starts.
      const stop = new AbortController();
      stop.abort();
      await expect(cache.token(stop.signal)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(unhandled).toEqual([]);
      // The failed fetch is forgotten: the next caller fetches afresh.
      await expect(cache.token()).rejects.toThrow('token endpoint aborted');
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
