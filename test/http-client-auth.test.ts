import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../src/errors.js';
import { createHttpClient, type HttpClientOptions } from '../src/connector-sdk/http/index.js';
import { captureLogs, type LogCapture } from './support/http-log-capture.js';
import { startTestServer, type RecordedRequest, type TestServer } from './support/http-test-server.js';
import { testBoundary } from './support/boundary.js';

const CLIENT_ID = 'lgsp-client-91';
const CLIENT_SECRET = 'cs-Zq8!xT/3+k=p';
const API_KEY = 'ak-7fd2c9e1b04a';

let server: TestServer;
let logs: LogCapture;

beforeEach(async () => {
  server = await startTestServer();
  logs = captureLogs('trace');
});

afterEach(async () => {
  await server.close();
});

/** A token endpoint like the LGSP gateway's: issues tok-1, tok-2 ...; the API accepts only tokens still valid. */
function oauthSource(options: { expiresIn?: number } = {}) {
  const valid = new Set<string>();
  const issued: string[] = [];
  server.handle('POST /oauth2/token', (request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) {
      return { status: 401, json: { error: 'invalid_client' } };
    }
    const token = `tok-${issued.length + 1}-secretvalue`;
    issued.push(token);
    valid.add(token);
    return { status: 200, json: { access_token: token, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600 } };
  });
  const api = (request: RecordedRequest) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return token !== undefined && valid.has(token) ? { status: 200, json: { token } } : { status: 401, json: { error: 'invalid_token' } };
  };
  server.handle('GET /api/v1/items', api);
  return {
    tokens: () => [...valid],
    issued: () => [...issued],
    revokeAll: () => {
      valid.clear();
    },
  };
}

function client(overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    baseUrl: server.url,
    connectionId: 'dvc-91',
    logger: logs.logger,
    egress: testBoundary(),
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50 },
    auth: { kind: 'oauth2-client-credentials', tokenPath: '/oauth2/token', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    ...overrides,
  });
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

describe('HTTP client: OAuth2 client credentials', () => {
  it('posts the client credentials form and sends the token as a Bearer header', async () => {
    oauthSource();
    await expect(client().getJson('/api/v1/items')).resolves.toEqual({ token: 'tok-1-secretvalue' });
    const [tokenRequest] = server.requestsTo('POST /oauth2/token');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('accepts an absolute token URL', async () => {
    oauthSource();
    await expect(client({ auth: { kind: 'oauth2-client-credentials', tokenPath: `${server.url}/oauth2/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } }).getJson('/api/v1/items')).resolves.toBeTruthy();
  });

  it('caches the token: one token request for many calls', async () => {
    oauthSource();
    const http = client();
    for (let i = 0; i < 5; i += 1) await http.getJson('/api/v1/items');
    expect(server.hits('POST /oauth2/token')).toBe(1);
    expect(server.hits('GET /api/v1/items')).toBe(5);
  });

  it('makes concurrent first calls share one token request', async () => {
    oauthSource();
    const http = client();
    await Promise.all(Array.from({ length: 8 }, () => http.getJson('/api/v1/items')));
    expect(server.hits('POST /oauth2/token')).toBe(1);
  });

  it('renews a token shortly before it expires', async () => {
    oauthSource({ expiresIn: 600 });
    let now = Date.parse('2025-08-01T00:00:00Z');
    const http = client({ clock: () => now });
    await http.getJson('/api/v1/items');
    now += 500_000; // 100 s before expiry: still good
    await http.getJson('/api/v1/items');
    expect(server.hits('POST /oauth2/token')).toBe(1);
    now += 60_000; // 40 s before expiry: inside the renewal margin
    await http.getJson('/api/v1/items');
    expect(server.hits('POST /oauth2/token')).toBe(2);
  });

  it('after a 401 to a token that expired early, fetches one new token and repeats the call once', async () => {
    const source = oauthSource();
    const http = client();
    await http.getJson('/api/v1/items');
    source.revokeAll();
    await expect(http.getJson('/api/v1/items')).resolves.toEqual({ token: 'tok-2-secretvalue' });
    expect(server.hits('POST /oauth2/token')).toBe(2);
    expect(server.hits('GET /api/v1/items')).toBe(3);
  });

  it('makes concurrent calls that all got a 401 share a single refresh', async () => {
    const source = oauthSource();
    const http = client();
    await http.getJson('/api/v1/items');
    source.revokeAll();
    const results = await Promise.all(Array.from({ length: 6 }, () => http.getJson('/api/v1/items')));
    expect(results).toEqual(Array.from({ length: 6 }, () => ({ token: 'tok-2-secretvalue' })));
    expect(server.hits('POST /oauth2/token')).toBe(2);
    expect(server.hits('GET /api/v1/items')).toBe(1 + 6 + 6);
  });

  it('fails with SOURCE_AUTH_FAILED when even a fresh token is refused', async () => {
    oauthSource();
    server.handle('GET /api/v1/items', () => ({ status: 401, json: { error: 'invalid_token' } }));
    const error = await caught(client().getJson('/api/v1/items'));
    expect(error.code).toBe('SOURCE_AUTH_FAILED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('freshly issued');
    expect(server.hits('GET /api/v1/items')).toBe(2);
    expect(server.hits('POST /oauth2/token')).toBe(2);
  });

  it('fails at once on bad client credentials (401 invalid_client): one token request, no API call', async () => {
    oauthSource();
    const error = await caught(client({ auth: { kind: 'oauth2-client-credentials', tokenPath: '/oauth2/token', clientId: CLIENT_ID, clientSecret: 'wrong-secret-123' } }).getJson('/api/v1/items'));
    expect(error.code).toBe('SOURCE_AUTH_FAILED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('invalid_client');
    expect(error.message).toMatch(/client id \("lgsp-client-91"\) and the client secret that connection "dvc-91" references/);
    expect(error.message).not.toContain('wrong-secret-123');
    expect(server.hits('POST /oauth2/token')).toBe(1);
    expect(server.hits('GET /api/v1/items')).toBe(0);
  });

  it('treats a 400 invalid_client from the token endpoint the same way', async () => {
    server.handle('POST /oauth2/token', () => ({ status: 400, json: { error: 'invalid_client', error_description: 'unknown client' } }));
    const error = await caught(client().getJson('/api/v1/items'));
    expect(error.code).toBe('SOURCE_AUTH_FAILED');
    expect(server.hits('POST /oauth2/token')).toBe(1);
  });

  it('retries a token endpoint that is briefly down', async () => {
    oauthSource();
    server.script('POST /oauth2/token', { status: 503 }, { kind: 'destroy' });
    await expect(client().getJson('/api/v1/items')).resolves.toEqual({ token: 'tok-1-secretvalue' });
    expect(server.hits('POST /oauth2/token')).toBe(3);
  });
});

describe('HTTP client: API key', () => {
  it('sends the key in its header', async () => {
    server.handle('GET /index.json', (request) => (request.headers['x-api-key'] === API_KEY ? { status: 200, json: [] } : { status: 403 }));
    const http = client({ auth: { kind: 'api-key', header: 'X-API-Key', value: API_KEY } });
    await expect(http.getJson('/index.json')).resolves.toEqual([]);
  });

  it('fails at once on a 403: SOURCE_AUTH_FAILED, permanent, one request', async () => {
    server.handle('GET /index.json', () => ({ status: 403, json: { message: 'forbidden' } }));
    const error = await caught(client({ auth: { kind: 'api-key', header: 'X-API-Key', value: 'bad-key-0000' } }).getJson('/index.json'));
    expect(error.code).toBe('SOURCE_AUTH_FAILED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('API key');
    expect(error.message).toContain('dvc-91');
    expect(server.hits('GET /index.json')).toBe(1);
  });

  it('treats a 401 the same way', async () => {
    server.handle('GET /index.json', () => ({ status: 401 }));
    const error = await caught(client({ auth: { kind: 'api-key', header: 'X-API-Key', value: API_KEY } }).getJson('/index.json'));
    expect(error.code).toBe('SOURCE_AUTH_FAILED');
    expect(server.hits('GET /index.json')).toBe(1);
  });
});

describe('HTTP client: secrets stay out of logs and errors', () => {
  /** Every string reachable from an error: message, stack, cause chain and all own properties. */
  function everything(error: unknown): string {
    return inspect(error, { depth: Infinity, showHidden: true, getters: true });
  }

  it('never logs or throws a client secret, API key or access token', async () => {
    const source = oauthSource();
    const errors: unknown[] = [];
    const keep = (promise: Promise<unknown>) => promise.catch((error: unknown) => errors.push(error));

    const oauth = client({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    await oauth.getJson('/api/v1/items', { params: { access_token: 'tok-in-query-1234', page: 1 } });
    source.revokeAll();
    await oauth.getJson('/api/v1/items');
    server.script('GET /api/v1/items', { kind: 'destroy' }, { kind: 'destroy' });
    await keep(oauth.getJson('/api/v1/items'));
    server.script('GET /api/v1/items', { status: 400, body: `bad request, you sent client_secret=${CLIENT_SECRET} and ${source.tokens().join(',')}` });
    await keep(oauth.getJson('/api/v1/items'));
    server.script('GET /api/v1/items', { status: 200, body: `<html>${source.tokens().join(',')}</html>` });
    await keep(oauth.getJson('/api/v1/items'));
    await keep(client({ auth: { kind: 'oauth2-client-credentials', tokenPath: '/oauth2/token', clientId: CLIENT_ID, clientSecret: `${CLIENT_SECRET}-wrong` } }).getJson('/api/v1/items'));

    server.handle('GET /index.json', () => ({ status: 403, body: `key ${API_KEY} is revoked` }));
    await keep(client({ auth: { kind: 'api-key', header: 'X-API-Key', value: API_KEY } }).getJson('/index.json'));
    server.handle('GET /files/a.csv', () => ({ status: 404, body: `no file for key ${API_KEY}` }));
    await keep(client({ auth: { kind: 'api-key', header: 'X-API-Key', value: API_KEY } }).getText('/files/a.csv'));
    server.script('GET /files/b.csv', { kind: 'reset-mid-body', bytes: 100, declaredBytes: 1000 }, { kind: 'reset-mid-body', bytes: 100, declaredBytes: 1000 });
    await keep(client({ auth: { kind: 'api-key', header: 'X-API-Key', value: API_KEY }, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } }).getBytes('/files/b.csv'));

    expect(source.issued().length).toBeGreaterThanOrEqual(2);
    const secrets = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), API_KEY, 'tok-in-query-1234', ...source.issued()];
    expect(errors).toHaveLength(7);
    expect(errors.every((error) => error instanceof SourceError)).toBe(true);
    const logText = logs.text();
    expect(logText).toContain('"connectionId":"dvc-91"');
    const errorText = errors.map(everything).join('\n');
    for (const secret of secrets) {
      expect(logText).not.toContain(secret);
      expect(errorText).not.toContain(secret);
    }
    expect(errorText).not.toMatch(/Bearer (?!\[redacted\])/);
    expect(errorText).toContain('[redacted]');
  });
});
