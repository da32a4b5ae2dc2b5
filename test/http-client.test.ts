import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SourceError } from '../src/errors.js';
import { backoffDelayMs, createHttpClient, parseRetryAfterMs, type HttpClientOptions } from '../src/connector-sdk/http/index.js';
import { captureLogs, type LogCapture } from './support/http-log-capture.js';
import { startTestServer, type TestServer } from './support/http-test-server.js';
import { testBoundary } from './support/boundary.js';

let server: TestServer;
let logs: LogCapture;

beforeEach(async () => {
  server = await startTestServer();
  logs = captureLogs();
});

afterEach(async () => {
  await server.close();
});

function client(overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    baseUrl: server.url,
    connectionId: 'test-conn',
    logger: logs.logger,
    egress: testBoundary(),
    retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 },
    ...overrides,
  });
}

describe('HTTP client: methods', () => {
  it('getJson appends params and keeps the base URL path prefix', async () => {
    server.handle('GET /gw/dvc/api/v1/items', (request) => ({ status: 200, json: { query: Object.fromEntries(request.query) } }));
    const http = client({ baseUrl: `${server.url}/gw/dvc/` });
    await expect(http.getJson('/api/v1/items', { params: { tuThang: '2025-01', page: 0, skip: undefined } })).resolves.toEqual({
      query: { tuThang: '2025-01', page: '0' },
    });
    expect(server.requests[0]?.headers.accept).toBe('application/json');
  });

  it('an answer read whole larger than maxResponseBytes fails at once (permanent), without reading on; one of that size passes', async () => {
    server.handle('GET /big', () => ({ status: 200, body: Buffer.alloc(4096, 0x20) }));
    server.handle('GET /fits', () => ({ status: 200, body: Buffer.alloc(1024, 0x61) }));
    const http = client({ maxResponseBytes: 1024 });
    await expect(http.getText('/big')).rejects.toMatchObject({ code: 'SOURCE_RESPONSE_TOO_LARGE', permanent: true, status: 200 });
    expect(server.hits('GET /big')).toBe(1);
    expect(await http.getText('/fits')).toHaveLength(1024);
  });

  it('getJson hands the body to a parse function when given one', async () => {
    server.script('GET /n', { status: 200, body: '\uFEFF{"n": 3}' });
    const n = await client().getJson('/n', {
      parse: (body) => {
        if (typeof body === 'object' && body !== null && 'n' in body && typeof body.n === 'number') return body.n;
        throw new Error('not a count');
      },
    });
    expect(n).toBe(3);
  });

  it('getText decodes UTF-8 and keeps the BOM', async () => {
    const csv = '\uFEFFMã tỉnh;Tên tỉnh\r\n91;Tỉnh An Giang\r\n';
    server.script('GET /file.csv', { status: 200, headers: { 'Content-Type': 'text/csv' }, body: Buffer.from(csv, 'utf8') });
    const text = await client().getText('/file.csv');
    expect(text).toBe(csv);
    expect(text.charCodeAt(0)).toBe(0xfeff);
  });

  it('getBytes returns the exact bytes', async () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x00, 0xff, 0x10]);
    server.script('GET /blob', { status: 200, body: bytes });
    const received = await client().getBytes('/blob');
    expect(Buffer.isBuffer(received)).toBe(true);
    expect(received.equals(bytes)).toBe(true);
  });

  it('postJson sends JSON and parses the answer', async () => {
    server.handle('POST /api/v1/vi/db/t.px', (request) => ({
      status: 200,
      json: { contentType: request.headers['content-type'], received: JSON.parse(request.body) as unknown },
    }));
    const query = { query: [{ code: 'Năm', selection: { filter: 'item', values: ['2024'] } }], response: { format: 'json-stat2' } };
    await expect(client().postJson('/api/v1/vi/db/t.px', query)).resolves.toEqual({ contentType: 'application/json', received: query });
  });

  it('rejects an unusable base URL at creation with a ConfigError', () => {
    expect(() => client({ baseUrl: 'not a url' })).toThrow(ConfigError);
    expect(() => client({ baseUrl: 'ftp://example.org' })).toThrow(/http or https/);
    expect(() => client({ rateLimit: { requestsPerSecond: 0 } })).toThrow(/requestsPerSecond/);
  });
});

async function consume(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}

describe('HTTP client: streams', () => {
  it('getStream delivers a 5 MB body in chunks as it arrives', async () => {
    const total = 5 * 1024 * 1024;
    server.script('GET /files/big.csv', { kind: 'stream', totalBytes: total, chunkBytes: 64 * 1024 });
    const stream = await client().getStream('/files/big.csv');
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    let largest = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks += 1;
      bytes += chunk.length;
      largest = Math.max(largest, chunk.length);
      hash.update(chunk);
    }
    expect(bytes).toBe(total);
    expect(chunks).toBeGreaterThan(10);
    expect(largest).toBeLessThan(total);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(Buffer.alloc(total, 0x62)).digest('hex'));
  });

  it('retries obtaining the stream, then delivers it', async () => {
    server.script('GET /files/a.csv', { status: 503 }, { status: 200, body: 'a;b\r\n' });
    const stream = await client().getStream('/files/a.csv');
    const parts: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe('a;b\r\n');
    expect(server.hits('GET /files/a.csv')).toBe(2);
  });

  it('surfaces a reset mid-stream as SOURCE_UNAVAILABLE, not permanent', async () => {
    server.script('GET /files/big.csv', { kind: 'reset-mid-body', bytes: 200_000, declaredBytes: 1_000_000 });
    const stream = await client().getStream('/files/big.csv');
    let bytes = 0;
    const error = await (async () => {
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', permanent: false });
    expect((error as SourceError).message).toMatch(/restart the download/);
    expect(bytes).toBe(200_000);
    expect(server.hits('GET /files/big.csv')).toBe(1);
  });

  it('fails a stream that stalls for timeoutMs while the caller reads', async () => {
    server.script('GET /files/stuck.csv', { kind: 'slow-body', chunks: 3, intervalMs: 2_000 });
    const stream = await client({ timeoutMs: 200 }).getStream('/files/stuck.csv');
    // Unstalled, the body would end well (three chunks): failing says the stall was caught.
    await expect(consume(stream)).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', message: expect.stringContaining('no data for 200 ms') as unknown });
  });

  it('does not time out a stream the caller is slow to read (backpressure)', async () => {
    server.script('GET /files/big.csv', { kind: 'stream', totalBytes: 2 * 1024 * 1024, chunkBytes: 64 * 1024 });
    const stream = await client({ timeoutMs: 200 }).getStream('/files/big.csv');
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(consume(stream)).resolves.toBe(2 * 1024 * 1024);
  });

  it('aborts a stream through the call signal', async () => {
    server.script('GET /files/big.csv', { kind: 'slow-body', chunks: 100, intervalMs: 20 });
    const controller = new AbortController();
    const stream = await client().getStream('/files/big.csv', { signal: controller.signal });
    controller.abort(); // the body has 2 s to come
    await expect(consume(stream)).rejects.toMatchObject({ code: 'SOURCE_REQUEST_ABORTED' });
  });

  it('turns a 404 for a stream into SOURCE_REQUEST_REJECTED', async () => {
    server.script('GET /files/none.csv', { status: 404, body: 'no such file' });
    await expect(client().getStream('/files/none.csv')).rejects.toMatchObject({ code: 'SOURCE_REQUEST_REJECTED', permanent: true });
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter, capped at maxDelayMs', () => {
    const options = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(backoffDelayMs(1, options, () => 0.999)).toBe(499);
    expect(backoffDelayMs(3, options, () => 0.999)).toBe(1_998);
    expect(backoffDelayMs(10, options, () => 0.999)).toBe(29_970);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-08-01T00:00:00Z');
    expect(parseRetryAfterMs('1', now)).toBe(1_000);
    expect(parseRetryAfterMs(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfterMs('Fri, 01 Aug 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 31 Jul 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });

  it('uses the injected sleep for backoff waits', async () => {
    const waits: number[] = [];
    server.script('GET /items', { status: 503 }, { status: 503 }, { status: 200, json: [] });
    const http = client({
      retry: { retries: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await http.getJson('/items');
    expect(waits).toEqual([500, 1_000]);
  });
});
