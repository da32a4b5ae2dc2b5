import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problem } from '../src/api/problem.js';
import { toCloudEvent } from '../src/events/cloud-event.js';
import { appendToStream } from '../src/events/redis-stream.js';
import { rawExchange } from './support/raw-http.js';
import { openSse } from './support/sse-client.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const problemType = 'application/problem+json';

describe('API: every error a problem document; timeouts; security headers', () => {
  let api: TestApi;
  let port: number;
  const stream = `lgsp-test-http-errors:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    api = await startTestApi({ LGSP_API_REQUEST_TIMEOUT_MS: '500', LGSP_EVENTS_STREAM: stream });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });
  afterAll(async () => {
    await api.deps.redis.del(stream);
    await api.close();
  });

  it.each([
    ['404', { method: 'GET', url: '/v1/nothing-here' }, 404, 'Not Found', 'ROUTE_NOT_FOUND'],
    ['405 (the read-only dashboard)', { method: 'PUT', url: '/admin/queues/api/queues/lgsp-sync/pause' }, 405, 'Method Not Allowed', 'DASHBOARD_READ_ONLY'],
    ['413', { method: 'POST', url: '/v1/apikeys', payload: `{"name":"${'x'.repeat(1_100_000)}"}`, headers: { 'content-type': 'application/json' } }, 413, 'Payload Too Large', 'BODY_TOO_LARGE'],
    ['414', { method: 'GET', url: `/v1/connections/${'a'.repeat(150)}` }, 414, 'URI Too Long', 'URI_TOO_LONG'],
    ['415', { method: 'POST', url: '/v1/apikeys', payload: '<key/>', headers: { 'content-type': 'application/xml' } }, 415, 'Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE'],
    ['400 for a malformed %-escape', { method: 'GET', url: '/v1/indicators/%C0' }, 400, 'Bad Request', 'BAD_URL'],
    ['400 for malformed JSON', { method: 'POST', url: '/v1/apikeys', payload: '{"name":', headers: { 'content-type': 'application/json' } }, 400, 'Bad Request', 'INVALID_JSON'],
  ] as const)('%s is a problem document with its HTTP title and a stable code', async (_name, request, status, title, code) => {
    const res = await api.request({ ...request, as: 'admin' });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain(problemType);
    expect(res.json()).toMatchObject({ status, title, code, type: `urn:lgsp-connect:problem:${code.toLowerCase().replace(/_/g, '-')}` });
    expect(res.json<{ detail: string }>().detail).not.toMatch(/^\s*$/);
  });

  it('titles come from HTTP itself, 502 included', () => {
    expect(problem(502, 'WEBHOOK_DELIVERY_FAILED', 'x').title).toBe('Bad Gateway');
    expect(problem(409, 'LAST_ADMIN_KEY', 'x').title).toBe('Conflict');
  });

  it('malformed HTTP and oversized headers are problem documents too', async () => {
    const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toContain(problemType);
    expect(JSON.parse(garbage.body)).toMatchObject({ code: 'MALFORMED_REQUEST', title: 'Bad Request' });
    const huge = await rawExchange(port, `GET /v1/units?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toMatchObject({ code: 'HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large' });
  });

  it('a request whose body or headers arrive too slowly is cut with 408; an open event stream is not', async () => {
    const sse = await openSse(`http://127.0.0.1:${port}/v1/events/stream`, { authorization: `Bearer ${api.keys.read}` });
    try {
      expect(sse.status).toBe(200);
      await sse.waitForComment((c) => c === 'connected');
      // Started after the stream, so once it is cut the stream has been open longer than the request timeout.
      const slowBody = await rawExchange(port, `POST /v1/apikeys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na`);
      expect(slowBody.status).toBe(408);
      expect(JSON.parse(slowBody.body)).toMatchObject({ code: 'REQUEST_TIMEOUT', title: 'Request Timeout' });
      const slowHeaders = await rawExchange(port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
      expect(slowHeaders.status).toBe(408);

      const event = toCloudEvent({ id: 'revision-1', seq: 1, type: 'vn.lgsp.sync.completed.v1', subject: 'sync/x/1', time: new Date().toISOString(), data: { runId: 1 } }, 'urn:lgsp-connect:test');
      await appendToStream(api.deps.redis, { key: stream, maxLength: 1000 }, [event]);
      const [message] = await sse.waitForMessages(1);
      expect(message?.event).toBe('vn.lgsp.sync.completed.v1');
    } finally {
      sse.close();
    }
  });

  it('security headers on every answer, a CSP the docs page works under, no HSTS unless configured', async () => {
    for (const res of [await api.request({ method: 'GET', url: '/health', as: null }), await api.request({ method: 'GET', url: '/v1/whoami', as: null })]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    // The docs page loads every script from this origin: nothing inline that the CSP would block.
    const docs = await api.request({ method: 'GET', url: '/docs/', as: null });
    expect(docs.statusCode).toBe(200);
    const scripts = [...docs.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', content = ''] of scripts) {
      expect(attributes).toMatch(/src="(?!https?:|\/\/)/);
      expect(content.trim()).toBe('');
    }
    const withHsts = await startTestApi({ LGSP_API_HSTS_MAX_AGE_S: '31536000' }, { database: api.t });
    try {
      const res = await withHsts.request({ method: 'GET', url: '/health', as: null });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await withHsts.close();
    }
  });
});
