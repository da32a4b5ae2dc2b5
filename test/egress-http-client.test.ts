import type { LookupAddress } from 'node:dns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EgressPolicy, EgressRefusedError } from '../src/boundary/egress.js';
import { createHttpClient } from '../src/connector-sdk/http/index.js';
import { captureLogs } from './support/http-log-capture.js';
import { startTestServer, type TestServer } from './support/http-test-server.js';

/** A resolver that maps test names to addresses, as a DNS server an attacker controls could. */
const mapped = (names: Readonly<Record<string, string>>) => (host: string): Promise<LookupAddress[]> => {
  const address = names[host];
  return address === undefined ? Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })) : Promise.resolve([{ address, family: 4 }]);
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

let source: TestServer;
let internal: TestServer;

beforeEach(async () => {
  source = await startTestServer();
  internal = await startTestServer();
  internal.handle('GET /secret', () => ({ status: 200, json: { secret: 'internal-only' } }));
});
afterEach(async () => {
  await source.close();
  await internal.close();
});

const port = (server: TestServer) => new URL(server.url).port;
const client = (baseUrl: string, egress: EgressPolicy) => createHttpClient({ baseUrl, connectionId: 'probe', logger: captureLogs().logger, egress, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } });

describe('HTTP client: the egress policy on the address actually connected to', () => {
  it('refuses a literal internal base URL when the client is made', () => {
    const policy = new EgressPolicy({ egressAllow: [] });
    expect(() => client(internal.url, policy)).toThrow(EgressRefusedError);
    expect(() => client(`http://[::ffff:127.0.0.1]:${port(internal)}`, policy)).toThrow(/IPv4-mapped form of a loopback address/);
    expect(() => client('http://metadata.google.internal', policy)).toThrow(/metadata/);
  });

  it('refuses localhost at connect time (it resolves to loopback) with the server listening: no request reaches it, no retry', async () => {
    const error = await caught(client(`http://localhost:${port(internal)}`, new EgressPolicy({ egressAllow: [] })).getJson('/secret'));
    expect(error).toBeInstanceOf(EgressRefusedError);
    expect(error).toMatchObject({ code: 'EGRESS_REFUSED', permanent: true });
    const message = (error as Error).message;
    expect(message).toContain('Connection "probe": GET /secret');
    expect(message).toContain('LGSP_EGRESS_ALLOW');
    expect(message).not.toMatch(/ECONNREFUSED|internal-only/);
    expect(internal.requests).toHaveLength(0);
  });

  it('checks the address a name resolves to: a name mapped to loopback is refused; allowed, the same name reaches the server', async () => {
    const names = { 'source.example.test': '127.0.0.1' };
    const refusing = new EgressPolicy({ egressAllow: [] }, { resolve: mapped(names) });
    const error = await caught(client(`http://source.example.test:${port(internal)}`, refusing).getJson('/secret'));
    expect(error).toMatchObject({ code: 'EGRESS_REFUSED', refusal: { host: 'source.example.test', reason: expect.stringMatching(/^it resolves to an address inside this host's network/) as unknown } });
    expect(internal.requests).toHaveLength(0);

    const allowing = new EgressPolicy({ egressAllow: ['127.0.0.1/32'] }, { resolve: mapped(names) });
    await expect(client(`http://source.example.test:${port(internal)}`, allowing).getJson('/secret')).resolves.toEqual({ secret: 'internal-only' });
    expect(internal.requests).toHaveLength(1);
  });

  it('refuses a redirect from an allowed source to a forbidden address, by literal or by name', async () => {
    // The source is allowed by name only; what it redirects to is judged on its own.
    const policy = new EgressPolicy({ egressAllow: ['source.example.test'] }, { resolve: mapped({ 'source.example.test': '127.0.0.1', 'evil.example.test': '127.0.0.1' }) });
    source.handle('GET /api/literal', () => ({ status: 302, headers: { Location: `${internal.url}/secret` } }));
    source.handle('GET /api/named', () => ({ status: 302, headers: { Location: `http://evil.example.test:${port(internal)}/secret` } }));
    source.handle('GET /api/fine', () => ({ status: 200, json: { ok: true } }));
    const http = client(`http://source.example.test:${port(source)}`, policy);
    await expect(http.getJson('/api/fine')).resolves.toEqual({ ok: true });
    await expect(http.getJson('/api/literal')).rejects.toMatchObject({ code: 'EGRESS_REFUSED', refusal: { host: '127.0.0.1' } });
    await expect(http.getJson('/api/named')).rejects.toMatchObject({ code: 'EGRESS_REFUSED', refusal: { host: 'evil.example.test' } });
    expect(source.requestsTo('GET /api/literal')).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });

  it('ignores HTTP_PROXY: a proxy would connect out of the policy\'s sight', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    Object.assign(process.env, { HTTP_PROXY: source.url, http_proxy: source.url, NO_PROXY: '', no_proxy: '' });
    try {
      const policy = new EgressPolicy({ egressAllow: ['127.0.0.1/32'] }, { resolve: mapped({ 'source.example.test': '127.0.0.1' }) });
      await expect(client(`http://source.example.test:${port(internal)}`, policy).getJson('/secret')).resolves.toEqual({ secret: 'internal-only' });
      expect(source.requests).toHaveLength(0);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    }
  });
});
