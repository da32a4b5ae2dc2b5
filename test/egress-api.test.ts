import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy, egressPolicy } from '../src/boundary/egress.js';
import { writeDeadLetter } from '../src/events/webhooks/dead-letters.js';
import { attemptDelivery, deliverWithRetry } from '../src/events/webhooks/delivery.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { forbiddenUrls } from './support/forbidden-urls.js';
import { startTestServer, type TestServer } from './support/http-test-server.js';
import { runCli } from './support/run-cli.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { testClient } from './support/test-source.js';
import { testSecretEnv } from './support/warehouse-fixtures.js';

const secretVariable = 'LGSP_SECRET_TEST_CLIENT' satisfies keyof typeof testSecretEnv;

interface Problem { status: number; code: string; detail: string; errors?: { field: string; message: string }[] }

/** A forbidden URL aimed at the listening test server where it is loopback, so a request that got through would show. */
const aimedAt = (url: string, server: TestServer) => {
  const parsed = new URL(url);
  if (['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '[::ffff:7f00:1]'].includes(parsed.hostname)) parsed.port = new URL(server.url).port;
  return parsed.href;
};

describe('the egress policy at the API: nothing internal unless the host operator allows it', () => {
  let api: TestApi;
  let internal: TestServer;
  const operate = (options: InjectOptions) => api.request({ ...options, as: 'operate' });
  const connection = (id: string, baseUrl: string) => ({
    id, connector: 'test-dossiers', name: id, config: { baseUrl, clientId: testClient.id }, secretRefs: { client_secret: { env: secretVariable } },
  });
  const savedSecret = process.env[secretVariable];

  beforeAll(async () => {
    // The default policy: LGSP_EGRESS_ALLOW empty.
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_API_RATE_LIMIT: '100000', LGSP_EGRESS_ALLOW: '' });
    internal = await startTestServer();
    internal.handle('GET /api/rows', () => ({ status: 200, json: { rows: [], next: null } }));
    internal.handle('POST /oauth2/token', () => ({ status: 200, json: { access_token: 'internal-token', expires_in: 600 } }));
    process.env[secretVariable] = testClient.secret;
  });
  afterAll(async () => {
    if (savedSecret === undefined) Reflect.deleteProperty(process.env, secretVariable);
    else process.env[secretVariable] = savedSecret;
    await api.close();
    await internal.close();
  });

  it('refuses a connection to every internal spelling at create time: 400 naming config.baseUrl; a public address is accepted', async () => {
    for (const [i, url] of forbiddenUrls.entries()) {
      const res = await operate({ method: 'POST', url: '/v1/connections', payload: connection(`probe-${i}`, aimedAt(url, internal)) });
      const problem = res.json<Problem>();
      expect({ url, status: res.statusCode, code: problem.code, fields: problem.errors?.map((e) => e.field) }).toEqual({ url, status: 400, code: 'EGRESS_REFUSED', fields: ['body.config.baseUrl'] });
      // What to do: an address or name the host operator may allow; a scheme or credentials no one can.
      expect(problem.detail).toMatch(/LGSP_EGRESS_ALLOW|http or https|user name and password/);
    }
    expect((await operate({ method: 'POST', url: '/v1/connections', payload: connection('public', 'https://8.8.8.8/dvc') })).statusCode).toBe(201);
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a connection stored before (rows written directly) when it connects: check fails EGRESS_REFUSED, nothing reaches the server', async () => {
    for (const [i, url] of forbiddenUrls.entries()) {
      const id = `stored-${i}`;
      await insertConnection(api.t.db, { id, connectorId: 'test-dossiers', name: id, config: { baseUrl: aimedAt(url, internal), clientId: testClient.id }, secretRefs: { client_secret: { env: secretVariable } }, schedule: null });
      const res = await operate({ method: 'POST', url: `/v1/connections/${id}/check` });
      expect(res.statusCode).toBe(200);
      const outcome = res.json<{ ok: boolean; code?: string; message: string }>();
      expect({ url, ok: outcome.ok, code: outcome.code }).toEqual({ url, ok: false, code: 'EGRESS_REFUSED' });
      expect(outcome.message).not.toMatch(/ECONNREFUSED|ECONNRESET|ETIMEDOUT/);
    }
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a webhook to every internal spelling at create and at patch time: 400 naming body.url', async () => {
    for (const url of forbiddenUrls) {
      const res = await operate({ method: 'POST', url: '/v1/webhooks', payload: { url: aimedAt(url, internal) } });
      expect({ url, status: res.statusCode, fields: res.json<Problem>().errors?.map((e) => e.field) }).toEqual({ url, status: 400, fields: ['body.url'] });
    }
    const created = await operate({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://8.8.8.8/hooks/lgsp' } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    for (const url of forbiddenUrls) {
      const res = await operate({ method: 'PATCH', url: `/v1/webhooks/${id}`, payload: { url: aimedAt(url, internal) } });
      expect({ url, status: res.statusCode, fields: res.json<Problem>().errors?.map((e) => e.field) }).toEqual({ url, status: 400, fields: ['body.url'] });
    }
    const credentials = await operate({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://user:pass@8.8.8.8/hooks' } });
    expect(credentials.json<Problem>()).toMatchObject({ code: 'EGRESS_REFUSED', errors: [{ field: 'body.url' }] });
    expect((await operate({ method: 'GET', url: `/v1/webhooks/${id}` })).json<{ url: string }>().url).toBe('https://8.8.8.8/hooks/lgsp');
  });

  it('refuses a webhook stored before when it delivers: a redelivery answers 502 "egress refused", permanent, and nothing reaches the server', async () => {
    // The table itself refuses schemes other than http(s).
    for (const [i, url] of forbiddenUrls.filter((u) => /^https?:/i.test(u)).entries()) {
      const id = `wh_stored${String(i).padStart(4, '0')}`;
      await api.t.db.insertInto('webhook_subscription').values({ id, url: aimedAt(url, internal), description: null, secret: 'whsec_test', stream_start_id: '0-0', event_types: [], indicators: [], units: [] }).execute();
      await writeDeadLetter(api.t.db, { subscriptionId: id, streamEntryId: '1-0', eventId: `e-${i}`, eventType: 't', subject: 's', body: '{}', attempts: 1, lastStatus: null, lastError: 'timeout' });
      const [letter] = await api.t.db.selectFrom('webhook_dead_letter').select('id').where('subscription_id', '=', id).execute();
      const res = await operate({ method: 'POST', url: `/v1/webhooks/dead-letters/${letter?.id ?? 0}/redeliver` });
      const problem = res.json<Problem>();
      expect({ url, status: res.statusCode, code: problem.code }).toEqual({ url, status: 502, code: 'WEBHOOK_DELIVERY_FAILED' });
      expect(problem.detail).toContain('egress refused');
      expect(problem.detail).toContain('LGSP_EGRESS_ALLOW');
    }
    expect(internal.requests).toHaveLength(0);
  });

  it('a refused delivery is permanent: one attempt, then the dead letters', async () => {
    const options = { maxAttempts: 5, timeoutMs: 2_000, retryBaseMs: 1, retryMaxMs: 5, egress: new EgressPolicy({ egressAllow: [] }) };
    const outcome = await deliverWithRetry({ id: 'wh_x', url: `http://localhost:${new URL(internal.url).port}/hooks`, secret: 'whsec_test' }, { eventId: 'e', body: '{}' }, options);
    expect(outcome).toMatchObject({ delivered: false, attempts: 1, last: { error: 'egress refused', permanent: true, status: null } });
    expect(internal.requests).toHaveLength(0);
  });

  it('lgsp connections add refuses an internal base URL with exit 2, naming the field', async () => {
    const added = await runCli(['connections', 'add', 'cli-probe', '--connector', 'test-dossiers', '--name', 'probe', '--config', JSON.stringify({ baseUrl: 'http://169.254.169.254/latest', clientId: 'x' }), '--secret', `client_secret=env:${secretVariable}`], {
      DATABASE_URL: api.t.url, LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_EGRESS_ALLOW: '',
    });
    expect(added.code).toBe(2);
    expect(added.stderr).toContain('baseUrl');
    expect(added.stderr).toContain('link-local');
  });
});

describe('webhook answers are not echoed to API callers', () => {
  let api: TestApi;
  let receiver: TestServer;
  let internal: TestServer;
  const operate = (options: InjectOptions) => api.request({ ...options, as: 'operate' });
  const secretBody = { error: 'pg: password authentication failed for user lgsp (password=hunter2-S3CRET) at 10.1.2.3:5432' };

  beforeAll(async () => {
    // The test configuration: the loopback receivers allowed, as an operator would allow an internal receiver.
    api = await startTestApi();
    receiver = await startTestServer();
    internal = await startTestServer();
  });
  afterAll(async () => {
    await api.close();
    await receiver.close();
    await internal.close();
  });

  it('a receiver answering 500 with a secret-looking body: the redeliver answer, the dead letters and the subscription show only "HTTP 500"', async () => {
    receiver.handle('POST /hooks', () => ({ status: 500, json: secretBody }));
    const created = await operate({ method: 'POST', url: '/v1/webhooks', payload: { url: `${receiver.url}/hooks` } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    await writeDeadLetter(api.t.db, { subscriptionId: id, streamEntryId: '1-0', eventId: 'e-1', eventType: 't', subject: 's', body: '{"id":"e-1"}', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    const [letter] = await api.t.db.selectFrom('webhook_dead_letter').select('id').where('subscription_id', '=', id).execute();

    const res = await operate({ method: 'POST', url: `/v1/webhooks/dead-letters/${letter?.id ?? 0}/redeliver` });
    expect(res.statusCode).toBe(502);
    expect(res.json<Problem>().detail).toContain('HTTP 500');
    expect(receiver.requestsTo('POST /hooks')).toHaveLength(1);
    const shown = [res.body, (await operate({ method: 'GET', url: '/v1/webhooks/dead-letters' })).body, (await operate({ method: 'GET', url: `/v1/webhooks/${id}` })).body];
    for (const body of shown) expect(body).not.toMatch(/hunter2|10\.1\.2\.3|password/);
    expect((await operate({ method: 'GET', url: `/v1/webhooks/${id}` })).json<{ lastFailure: string }>().lastFailure).toBe('HTTP 500');
  });

  it('the answer goes to the server log only; a redirect is not followed, not even to an allowed address', async () => {
    receiver.handle('POST /moved', () => ({ status: 302, headers: { Location: `${internal.url}/inside` } }));
    const egress = egressPolicy(api.deps.config.boundary);
    const target = { id: `wh_${randomBytes(6).toString('hex')}`, url: `${receiver.url}/hooks`, secret: 'whsec_test' };
    const failed = await attemptDelivery(target, { eventId: 'e-2', body: '{}' }, { timeoutMs: 2_000, egress });
    expect(failed).toMatchObject({ ok: false, status: 500, error: 'HTTP 500', permanent: false });
    expect(failed.detail).toContain('hunter2');
    const moved = await attemptDelivery({ ...target, url: `${receiver.url}/moved` }, { eventId: 'e-3', body: '{}' }, { timeoutMs: 2_000, egress });
    expect(moved).toMatchObject({ ok: false, status: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(internal.requests).toHaveLength(0);
    receiver.handle('POST /ok', () => ({ status: 204 }));
    await expect(attemptDelivery({ ...target, url: `${receiver.url}/ok` }, { eventId: 'e-4', body: '{}' }, { timeoutMs: 2_000, egress })).resolves.toMatchObject({ ok: true, status: 204, error: null });
  });
});
