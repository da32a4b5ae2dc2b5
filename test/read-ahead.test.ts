import { describe, expect, it } from 'vitest';
import { readAhead } from '../src/pipeline/read-ahead.js';

/** A source that logs when each item is fetched and when it is closed. */
function source(items: number, log: string[], failAt?: number): AsyncGenerator<number> {
  return (async function* () {
    try {
      for (let i = 0; i < items; i++) {
        await new Promise((r) => setTimeout(r, 5));
        if (i === failAt) throw new Error(`fetch ${i} failed`);
        log.push(`fetched ${i}`);
        yield i;
      }
    } finally {
      log.push('closed');
    }
  })();
}

describe('readAhead', () => {
  it('fetches and prepares the next item while the consumer works on the current one', async () => {
    const log: string[] = [];
    for await (const item of readAhead(source(3, log), (i) => i * 10)) {
      log.push(`consume ${item} start`);
      await new Promise((r) => setTimeout(r, 30));
      log.push(`consume ${item} end`);
    }
    expect(log).toEqual([
      'fetched 0', 'consume 0 start', 'fetched 1', 'consume 0 end',
      'consume 10 start', 'fetched 2', 'consume 10 end',
      // The source has nothing after item 2: asked for more while 20 is consumed, it ends at once.
      'closed', 'consume 20 start', 'consume 20 end',
    ]);
  });

  it('closes the source when the consumer stops early, dropping the item fetched ahead', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const item of readAhead(source(5, log), (i) => i)) {
      seen.push(item);
      if (item === 1) break;
    }
    expect(seen).toEqual([0, 1]);
    expect(log).toEqual(['fetched 0', 'fetched 1', 'fetched 2', 'closed']);
  });

  it('raises a failure of the read ahead when the consumer gets to it, not before', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    await expect(async () => {
      for await (const item of readAhead(source(5, log, 2), (i) => i)) {
        await new Promise((r) => setTimeout(r, 20));
        seen.push(item);
      }
    }).rejects.toThrow('fetch 2 failed');
    expect(seen).toEqual([0, 1]);
    expect(log).toContain('closed');
  });
});
