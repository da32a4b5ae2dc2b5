import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/api/server.js';
import { listAuditEntries, type AuditEntry } from '../src/warehouse/audit-log.js';
import { captureLogs } from './support/http-log-capture.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { testClient } from './support/test-source.js';
import { addTestConnection, testSecretEnv } from './support/warehouse-fixtures.js';

interface Page {
  items: (Omit<AuditEntry, 'at'> & { at: string })[];
  next: string | null;
}

describe('audit log of the API', () => {
  let api: TestApi;
  let keyIds: Record<'read' | 'operate' | 'admin', string>;
  const secretVariable = Object.keys(testSecretEnv)[0] ?? '';
  const newConnection = (id: string) => ({
    id,
    connector: 'test-dossiers',
    name: `DVC ${id}`,
    config: { baseUrl: 'https://source.example/api?token=not-a-real-one', clientId: testClient.id, pageSize: 10 },
    secretRefs: { client_secret: { env: secretVariable } },
  });

  /** Polls the table until an entry matches: the entry is written beside the answer, not before it. */
  async function waitForEntry(match: (e: AuditEntry) => boolean): Promise<AuditEntry> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = (await listAuditEntries(api.t.db, { limit: 1000 })).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no such audit entry appeared');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('the condition did not come true');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The whole table as text: no secret may be anywhere in it. */
  const tableText = async () => JSON.stringify((await sql`select * from audit_log`.execute(api.t.db)).rows);

  beforeAll(async () => {
    // inject() comes from 127.0.0.1: trusted as a proxy here, so the client's address is the forwarded one.
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_API_RATE_LIMIT: '100000', LGSP_API_TRUST_PROXY: '127.0.0.1' });
    const id = (key: string) => /^lgsp_([0-9a-f]{12})_/.exec(key)?.[1] ?? '';
    keyIds = { read: id(api.keys.read), operate: id(api.keys.operate), admin: id(api.keys.admin) };
  });
  afterAll(async () => api.close());

  it('records a created connection with the key, action, object, client address and outcome, and field names only', async () => {
    const res = await api.request({ method: 'POST', url: '/v1/connections', as: 'operate', headers: { 'x-forwarded-for': '203.0.113.7' }, payload: newConnection('audit-dvc') });
    expect(res.statusCode).toBe(201);
    const entry = await waitForEntry((e) => e.action === 'connection.create' && e.outcome === 'success');
    expect(entry).toMatchObject({
      channel: 'api', actor: keyIds.operate, actorName: 'test operate', client: '203.0.113.7', objectType: 'connection', objectId: 'audit-dvc',
      status: 201, exitCode: null, errorCode: null, method: 'POST', route: '/v1/connections',
    });
    expect(entry.fields).toEqual(['body.config', 'body.connector', 'body.id', 'body.name', 'body.secretRefs']);
    expect(await tableText()).not.toContain('not-a-real-one');
  });

  it('records refusals: a missing scope (403), invalid input (400), no key (401), an unknown object (404), a conflict (409), an unknown route', async () => {
    expect((await api.request({ method: 'POST', url: '/v1/connections', as: 'read', payload: newConnection('audit-read') })).statusCode).toBe(403);
    expect(await waitForEntry((e) => e.status === 403)).toMatchObject({
      action: 'connection.create', actor: keyIds.read, actorName: 'test read', outcome: 'refused', errorCode: 'SCOPE_MISSING', client: '127.0.0.1',
    });

    const invalid = await api.request({ method: 'POST', url: '/v1/connections', as: 'operate', payload: { ...newConnection('audit-bad'), config: { pageSize: 'many' } } });
    expect(invalid.statusCode).toBe(400);
    expect(await waitForEntry((e) => e.status === 400)).toMatchObject({
      action: 'connection.create', actor: keyIds.operate, objectId: 'audit-bad', outcome: 'refused', errorCode: expect.any(String) as string,
    });

    expect((await api.request({ method: 'DELETE', url: '/v1/connections/audit-dvc', as: null })).statusCode).toBe(401);
    expect(await waitForEntry((e) => e.status === 401)).toMatchObject({
      action: 'connection.delete', objectId: 'audit-dvc', actor: null, actorName: null, outcome: 'refused', errorCode: 'API_KEY_MISSING',
    });

    expect((await api.request({ method: 'PUT', url: '/v1/connections/nowhere/schedule', as: 'operate', payload: { everyMinutes: 60 } })).statusCode).toBe(404);
    expect(await waitForEntry((e) => e.status === 404 && e.action === 'schedule.set')).toMatchObject({ objectId: 'nowhere', outcome: 'refused', errorCode: 'NOT_FOUND' });

    expect((await api.request({ method: 'POST', url: '/v1/connections', as: 'operate', payload: newConnection('audit-dvc') })).statusCode).toBe(409);
    expect(await waitForEntry((e) => e.status === 409)).toMatchObject({ action: 'connection.create', objectId: 'audit-dvc', outcome: 'refused' });

    expect((await api.request({ method: 'POST', url: '/v1/no-such-thing?secret=x', as: 'operate', payload: {} })).statusCode).toBe(404);
    expect(await waitForEntry((e) => e.action === 'POST (no such route)')).toMatchObject({ route: null, outcome: 'refused', errorCode: 'ROUTE_NOT_FOUND' });
  });

  it('records the rate limit refusing a key (429)', async () => {
    const limited = await startTestApi({ LGSP_API_RATE_LIMIT: '1' }, { database: api.t });
    try {
      const send = () => limited.request({ method: 'DELETE', url: '/v1/webhooks/none', as: 'operate' });
      expect((await send()).statusCode).toBe(404);
      expect((await send()).statusCode).toBe(429);
      expect(await waitForEntry((e) => e.status === 429)).toMatchObject({ action: 'webhook.delete', outcome: 'refused', errorCode: 'RATE_LIMITED' });
    } finally {
      await limited.close();
    }
  });

  it('records generated ids (keys, webhooks) and never the secrets the responses show', async () => {
    const key = await api.request({ method: 'POST', url: '/v1/apikeys', as: 'admin', payload: { name: 'audited', scopes: ['read'] } });
    expect(key.statusCode).toBe(201);
    const created = key.json<{ id: string; key: string }>();
    expect(await waitForEntry((e) => e.action === 'apikey.create')).toMatchObject({ objectType: 'apikey', objectId: created.id, actor: keyIds.admin, fields: ['body.name', 'body.scopes'] });

    const hook = await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { url: 'https://hooks.example/T000/B000/XXXXSECRETPATH' } });
    expect(hook.statusCode).toBe(201);
    const webhook = hook.json<{ id: string; secret: string }>();
    expect(await waitForEntry((e) => e.action === 'webhook.create')).toMatchObject({ objectType: 'webhook', objectId: webhook.id, fields: ['body.url'] });
    const rotated = await api.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/secret`, as: 'operate', payload: { graceHours: 0 } });
    expect(rotated.statusCode).toBe(200);
    expect(await waitForEntry((e) => e.action === 'webhook.secret.rotate')).toMatchObject({ objectId: webhook.id, outcome: 'success', fields: ['body.graceHours'] });

    const text = await tableText();
    for (const secret of [created.key, webhook.secret, rotated.json<{ secret: string }>().secret, 'XXXXSECRETPATH']) expect(text).not.toContain(secret);
  });

  it('a failing insert does not fail the request: it is a warning in the log', async () => {
    const logs = captureLogs('warn');
    const app = await buildApi({ ...api.deps, logger: logs.logger });
    await sql`alter table audit_log rename to audit_log_away`.execute(api.t.db);
    try {
      const res = await app.inject({ method: 'POST', url: '/v1/connections/audit-dvc/schedule/pause', headers: { authorization: `Bearer ${api.keys.operate}` } });
      expect(res.statusCode).toBe(200);
      const deadline = Date.now() + 10_000;
      while (!logs.text().includes('could not record the audit entry')) {
        if (Date.now() > deadline) throw new Error(`no warning logged: ${logs.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(logs.lines().find((l) => l.msg === 'could not record the audit entry; the request itself was answered')).toMatchObject({ action: 'schedule.pause' });
    } finally {
      await app.close();
      await sql`alter table audit_log_away rename to audit_log`.execute(api.t.db);
    }
  });

  it('the table refuses UPDATE, DELETE and TRUNCATE', async () => {
    await waitForEntry(() => true);
    await expect(sql`update audit_log set outcome = 'success'`.execute(api.t.db)).rejects.toThrow(/append-only: UPDATE/);
    await expect(sql`delete from audit_log where false`.execute(api.t.db)).rejects.toThrow(/append-only: DELETE/);
    await expect(sql`truncate audit_log`.execute(api.t.db)).rejects.toThrow(/append-only: TRUNCATE/);
    await expect(sql`truncate connection cascade`.execute(api.t.db)).resolves.toBeDefined();
  });

  it('GET /v1/audit needs an admin key', async () => {
    expect((await api.request({ method: 'GET', url: '/v1/audit', as: null })).statusCode).toBe(401);
    expect((await api.request({ method: 'GET', url: '/v1/audit', as: 'operate' })).statusCode).toBe(403);
    expect((await api.request({ method: 'GET', url: '/v1/audit', as: 'admin' })).statusCode).toBe(200);
  });

  it('GET /v1/audit filters by actor, action, object, outcome and time, and pages by keyset', async () => {
    const get = async (query: string) => {
      const res = await api.request({ method: 'GET', url: `/v1/audit?${query}`, as: 'admin' });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Page>();
    };
    const all = (await get('limit=1000')).items;
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));

    expect((await get(`actor=${keyIds.read}`)).items.map((e) => e.status)).toEqual([403]);
    expect((await get('actor=test%20read')).items.map((e) => e.status)).toEqual([403]);
    expect(new Set((await get('action=connection.create')).items.map((e) => e.action))).toEqual(new Set(['connection.create']));
    expect(new Set((await get('action=webhook.*')).items.map((e) => e.action))).toEqual(new Set(['webhook.create', 'webhook.secret.rotate', 'webhook.delete']));
    expect((await get('object=apikey')).items.map((e) => e.action)).toEqual(['apikey.create']);
    expect((await get('object=connection&objectId=audit-bad')).items.map((e) => e.status)).toEqual([400]);
    const refused = (await get('outcome=refused')).items;
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused.every((e) => e.outcome === 'refused')).toBe(true);

    const middle = all[Math.floor(all.length / 2)];
    if (middle === undefined) throw new Error('no entries');
    const since = (await get(`since=${encodeURIComponent(middle.at)}&limit=1000`)).items;
    expect(since.every((e) => e.at >= middle.at)).toBe(true);
    expect(since.map((e) => e.id)).toContain(middle.id);
    const until = (await get(`until=${encodeURIComponent(middle.at)}&limit=1000`)).items;
    expect(until.every((e) => e.at < middle.at)).toBe(true);
    expect(since.length + until.length).toBe(all.length);
    expect((await get('since=2000-01-01&until=2000-01-02')).items).toEqual([]);

    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await get(`limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== null);
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it('GET /v1/audit refuses unknown parameters, bad moments and foreign cursors', async () => {
    const status = async (query: string) => (await api.request({ method: 'GET', url: `/v1/audit?${query}`, as: 'admin' })).statusCode;
    expect(await status('who=me')).toBe(400);
    expect(await status('since=yesterday')).toBe(400);
    expect(await status('outcome=maybe')).toBe(400);
    expect(await status('since=2025-02-01&until=2025-01-01')).toBe(400);
    expect(await status('cursor=bm90LWEtY3Vyc29y')).toBe(400);
  });

  it('records a change whose client hung up before the answer: the change was made, so it is recorded', async () => {
    // A source that holds its answer until the test lets it go, so the client can leave while the check runs.
    const held: ServerResponse[] = [];
    let reached!: () => void;
    const sourceReached = new Promise<void>((resolve) => { reached = resolve; });
    const source = createServer((_req, res) => { held.push(res); reached(); });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    Object.assign(process.env, testSecretEnv); // check runs in the API process and reads its environment
    try {
      await addTestConnection(api.t.db, 'hung-up', `http://127.0.0.1:${(source.address() as AddressInfo).port}`);
      const client = request({ method: 'POST', host: '127.0.0.1', port: (api.app.server.address() as AddressInfo).port, path: '/v1/connections/hung-up/check', headers: { authorization: `Bearer ${api.keys.operate}` } });
      client.on('error', () => undefined);
      client.end();
      await Promise.race([sourceReached, new Promise((_resolve, reject) => setTimeout(() => { reject(new Error('the check never reached the source')); }, 20_000))]);
      client.destroy();
      await waitUntil(async () => (await new Promise<number>((resolve, reject) => { api.app.server.getConnections((e, n) => { if (e) reject(e); else resolve(n); }); })) === 0);
      for (const res of held) res.writeHead(404).end('{}');
      expect(await waitForEntry((e) => e.action === 'connection.check' && e.objectId === 'hung-up')).toMatchObject({ outcome: 'success', status: 200, actor: keyIds.operate });
    } finally {
      for (const name of Object.keys(testSecretEnv)) Reflect.deleteProperty(process.env, name);
      source.closeAllConnections();
      await new Promise((resolve) => source.close(resolve));
    }
  });

  it('every state-changing route declares its audit action', () => {
    const routes = api.app.auditedRoutes();
    expect(routes.filter((r) => r.action === null)).toEqual([]);
    const declared = new Map(routes.map((r) => [`${r.method} ${r.url}`, r.action]));
    expect(Object.fromEntries(['POST /v1/connections', 'DELETE /v1/connections/:id', 'POST /v1/connections/:id/syncs', 'PUT /v1/connections/:id/schedule',
      'POST /v1/apikeys', 'DELETE /v1/apikeys/:id', 'POST /v1/webhooks/:id/secret', 'PATCH /v1/webhooks/:id'].map((k) => [k, declared.get(k)]))).toEqual({
      'POST /v1/connections': 'connection.create',
      'DELETE /v1/connections/:id': 'connection.delete',
      'POST /v1/connections/:id/syncs': 'sync.start',
      'PUT /v1/connections/:id/schedule': 'schedule.set',
      'POST /v1/apikeys': 'apikey.create',
      'DELETE /v1/apikeys/:id': 'apikey.revoke',
      'POST /v1/webhooks/:id/secret': 'webhook.secret.rotate',
      'PATCH /v1/webhooks/:id': 'webhook.update',
    });
    // The queue dashboard's routes too (refused: it is read-only).
    expect(routes.some((r) => r.url.startsWith('/admin/queues') && r.action === 'queue.dashboard')).toBe(true);
  });
});
