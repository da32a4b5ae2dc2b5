import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../src/errors.js';
import { createHttpClient, type HttpClientOptions } from '../src/connector-sdk/http/index.js';
import { RateLimiter } from '../src/connector-sdk/http/rate-limiter.js';
import { captureLogs, type LogCapture } from './support/http-log-capture.js';
import { startTestServer, type TestServer } from './support/http-test-server.js';
import { testBoundary } from './support/boundary.js';
import { waitFor } from './support/worker-process.js';

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
    timeoutMs: 2_000,
    retry: { retries: 5, baseDelayMs: 10, maxDelayMs: 2_000 },
    ...overrides,
  });
}

/** A sleep that only notes the waits asked for: the client's plan, free of the machine's timing. */
function plannedWaits(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

async function caught(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('HTTP client: transient failures are retried', () => {
  it('waits as long as a 429 Retry-After says before trying again', async () => {
    server.script('GET /items', { status: 429, headers: { 'Retry-After': '1' }, json: { error: 'slow down' } }, { status: 200, json: { ok: true } });
    const { waits, sleep } = plannedWaits();
    await expect(client({ sleep }).getJson('/items')).resolves.toEqual({ ok: true });
    expect(server.hits('GET /items')).toBe(2);
    expect(waits).toEqual([1_000]);
    const retryLine = logs.lines().find((line) => line['status'] === 429);
    expect(retryLine).toMatchObject({ level: 40, method: 'GET', path: '/items', attempt: 1, retryInMs: 1_000, connectionId: 'test-conn' });
  });

  it('caps a long Retry-After at maxDelayMs', async () => {
    server.script('GET /items', { status: 503, headers: { 'Retry-After': '3600' } }, { status: 200, json: [] });
    const { waits, sleep } = plannedWaits();
    await expect(client({ sleep, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 } }).getJson('/items')).resolves.toEqual([]);
    expect(waits).toEqual([50]);
  });

  it('rides out a burst of 503s', async () => {
    server.script('GET /items', { status: 503 }, { status: 502 }, { status: 500, body: 'oops' }, { status: 200, json: { page: 0 } });
    await expect(client().getJson('/items')).resolves.toEqual({ page: 0 });
    expect(server.hits('GET /items')).toBe(4);
    const lines = logs.lines();
    expect(lines.filter((line) => line['level'] === 40).map((line) => line['attempt'])).toEqual([1, 2, 3]);
    expect(lines.find((line) => line['level'] === 20)).toMatchObject({ method: 'GET', path: '/items', status: 200, attempt: 4, connectionId: 'test-conn' });
    expect(lines.every((line) => typeof line['durationMs'] === 'number')).toBe(true);
  });

  it('treats a response slower than timeoutMs as a timeout and retries', async () => {
    // The late answer would say so: the second one proves the first was given up.
    server.script('GET /slow', { status: 200, json: { late: true }, delayMs: 1_000 }, { status: 200, json: { late: false } });
    await expect(client({ timeoutMs: 200 }).getJson('/slow')).resolves.toEqual({ late: false });
    expect(server.hits('GET /slow')).toBe(2);
    expect(logs.text()).toContain('timeout');
  });

  it('counts a body that trickles in beyond timeoutMs as a timeout', async () => {
    server.script('GET /trickle', { kind: 'slow-body', chunks: 20, intervalMs: 50 }, { status: 200, json: { done: true } });
    await expect(client({ timeoutMs: 300 }).getJson('/trickle')).resolves.toEqual({ done: true });
    expect(server.hits('GET /trickle')).toBe(2);
  });

  it('retries a connection reset in the middle of the body', async () => {
    server.script('GET /file', { kind: 'reset-mid-body', bytes: 1_000, declaredBytes: 10_000 }, { status: 200, body: 'complete' });
    await expect(client().getText('/file')).resolves.toBe('complete');
    expect(server.hits('GET /file')).toBe(2);
  });

  it('retries a connection closed without an answer (socket hang up)', async () => {
    server.script('GET /items', { kind: 'destroy' }, { kind: 'destroy' }, { status: 200, json: [1] });
    await expect(client().getJson('/items')).resolves.toEqual([1]);
    expect(server.hits('GET /items')).toBe(3);
  });

  it('retries a refused connection, then gives up with SOURCE_UNAVAILABLE', async () => {
    const url = server.url;
    await server.close();
    server = await startTestServer();
    const error = await caught(client({ baseUrl: url, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 } }).getJson('/items'));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('3 attempts');
  });

  it('gives up after the last retry with SOURCE_UNAVAILABLE, not permanent, saying what happened', async () => {
    server.handle('GET /api/v1/report', () => ({ status: 503, body: 'maintenance' }));
    const error = await caught(client({ retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } }).getJson('/api/v1/report', { params: { page: 2 } }));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('GET /api/v1/report?page=2');
    expect(error.message).toContain('4 attempts');
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('test-conn');
    expect(error.message).toMatch(/retries with backoff/);
    expect(server.hits('GET /api/v1/report')).toBe(4);
    expect(logs.lines().filter((line) => line['level'] === 40)).toHaveLength(4);
  });
});

describe('HTTP client: permanent refusals are not retried', () => {
  it('turns a 404 into SOURCE_REQUEST_REJECTED with the status and a body excerpt, no retries', async () => {
    server.script('GET /nope', { status: 404, json: { message: 'no such report' } });
    const error = await caught(client().getJson('/nope'));
    expect(error.code).toBe('SOURCE_REQUEST_REJECTED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('HTTP 404 Not Found');
    expect(error.message).toContain('no such report');
    expect(server.hits('GET /nope')).toBe(1);
  });

  it('does not retry a 422 either', async () => {
    server.script('POST /query', { status: 422, body: 'bad selection' });
    const error = await caught(client().postJson('/query', { query: [] }));
    expect(error.code).toBe('SOURCE_REQUEST_REJECTED');
    expect(server.hits('POST /query')).toBe(1);
  });

  it('turns a 2xx that is not JSON into SOURCE_RESPONSE_INVALID', async () => {
    server.script('GET /items', { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>login</html>' });
    const error = await caught(client().getJson('/items'));
    expect(error.code).toBe('SOURCE_RESPONSE_INVALID');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('<html>login</html>');
  });
});

describe('HTTP client: rate limit', () => {
  it('gives concurrent callers slots 1/rate apart: 10 at 5/s wait 0, 200, ..., 1,800 ms', async () => {
    const { waits, sleep } = plannedWaits();
    const limiter = new RateLimiter(5, sleep, () => 10_000);
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    expect(waits).toEqual([200, 400, 600, 800, 1_000, 1_200, 1_400, 1_600, 1_800]);
  });

  it('sends every request of the client through its limiter', async () => {
    server.handle('GET /items', () => ({ status: 200, json: [] }));
    const { waits, sleep } = plannedWaits();
    const http = client({ sleep, rateLimit: { requestsPerSecond: 5 } });
    await Promise.all(Array.from({ length: 10 }, () => http.getJson('/items')));
    expect(server.hits('GET /items')).toBe(10);
    // All ten ask at once: each but the first waits for its slot, the last about 1.8 s.
    expect(waits).toHaveLength(9);
  });
});

describe('HTTP client: abort', () => {
  it('aborts an in-flight request through the call signal', async () => {
    server.script('GET /slow', { status: 200, json: {}, delayMs: 2_000 });
    const controller = new AbortController();
    const call = caught(client().getJson('/slow', { signal: controller.signal }));
    await waitFor('the request at the server', () => Promise.resolve(server.hits('GET /slow') === 1), 10_000);
    controller.abort();
    const error = await call;
    expect(error.code).toBe('SOURCE_REQUEST_ABORTED');
    expect(error.permanent).toBe(false);
  });

  it('puts one listener on the client signal however many calls run at once', async () => {
    server.handle('GET /items', () => ({ status: 200, json: [] }));
    server.script('GET /items', { status: 503 });
    const controller = new AbortController();
    const http = client({ signal: controller.signal });
    await Promise.all(Array.from({ length: 20 }, () => http.getJson('/items')));
    const stream = await http.getStream('/items');
    stream.resume();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  });

  it('aborts a backoff wait through the client signal', async () => {
    // An hour's wait: only the abort can end it within the test.
    server.handle('GET /items', () => ({ status: 503, headers: { 'Retry-After': '3600' } }));
    const controller = new AbortController();
    const http = client({ signal: controller.signal, retry: { retries: 5, baseDelayMs: 10, maxDelayMs: 3_600_000 } });
    const call = caught(http.getJson('/items'));
    await waitFor('the backoff wait', () => Promise.resolve(logs.lines().some((line) => line['retryInMs'] === 3_600_000)), 10_000);
    controller.abort();
    const error = await call;
    expect(error.code).toBe('SOURCE_REQUEST_ABORTED');
    expect(server.hits('GET /items')).toBe(1);
  });
});
