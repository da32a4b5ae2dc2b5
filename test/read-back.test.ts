import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { createRun, recordRunError, syncFailedEvent } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import { startTestServer, type TestServer } from './support/http-test-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { makeTestConnector } from './support/test-connector.js';
import { addTestConnection, testSecretEnv } from './support/warehouse-fixtures.js';

/** What the source answers: a body no API caller without admin scope may read back. */
const marker = 'internal-service-banner-7f3a9c';

interface Shown { code?: string; message: string; causes?: string[]; statusClass?: string }

describe('no read-back: what a source answered reaches admins and the log, not other callers', () => {
  let api: TestApi;
  let source: TestServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_EGRESS_ALLOW: '127.0.0.1/32' });
    source = await startTestServer();
    // Every request, the token request included, is refused with a body that names an internal service.
    source.handle('POST /oauth2/token', () => ({ status: 404, json: { banner: marker } }));
    await addTestConnection(api.t.db, 'echo', source.url);
    Object.assign(process.env, testSecretEnv); // check runs in the API process and reads its environment
  });
  afterAll(async () => {
    process.env = saved;
    await api.close();
    await source.close();
  });

  it('a failed check: operate sees the code and the status class, admin sees the source\'s answer', async () => {
    const operate = await api.request({ method: 'POST', url: '/v1/connections/echo/check', as: 'operate' });
    expect(operate.statusCode).toBe(200);
    expect(operate.json<Shown>()).toMatchObject({ ok: false, code: 'SOURCE_REQUEST_REJECTED', statusClass: '4xx' });
    expect(operate.body).not.toContain(marker);
    expect(operate.body).not.toContain(source.url);

    const admin = await api.request({ method: 'POST', url: '/v1/connections/echo/check', as: 'admin' });
    expect(admin.json<Shown>()).toMatchObject({ ok: false, code: 'SOURCE_REQUEST_REJECTED', statusClass: '4xx', message: expect.stringContaining(marker) as unknown });
  });

  it('a failed run: the run\'s error and its event carry no source text; admin reads it from the run', async () => {
    const { run } = await createRun(api.t.db, { connectionId: 'echo', mode: 'incremental' });
    const deps = { db: api.t.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([makeTestConnector(1)]), boundary: testBoundary(), env: testSecretEnv };
    const failure = await executeRun(deps, run.id, { signal: new AbortController().signal }).then(() => null, (error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SOURCE_REQUEST_REJECTED', status: 404 });
    await recordRunError(api.t.db, run.id, failure, true);

    for (const url of [`/v1/runs/${run.id}`, '/v1/runs', '/v1/connections/echo', '/v1/connections']) {
      const res = await api.request({ method: 'GET', url, as: 'operate' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('SOURCE_REQUEST_REJECTED');
      expect(res.body).not.toContain(marker);
    }
    const shown = (await api.request({ method: 'GET', url: `/v1/runs/${run.id}`, as: 'operate' })).json<{ error: Shown }>().error;
    expect(shown).toMatchObject({ code: 'SOURCE_REQUEST_REJECTED', statusClass: '4xx', causes: [], origin: 'source' });

    const admin = (await api.request({ method: 'GET', url: `/v1/runs/${run.id}`, as: 'admin' })).json<{ error: Shown }>().error;
    expect(admin.message).toContain(marker);

    const event = await api.t.db.selectFrom('outbox_event').select('data').where('type', '=', syncFailedEvent).executeTakeFirstOrThrow();
    expect(JSON.stringify(event.data)).toContain('SOURCE_REQUEST_REJECTED');
    expect(JSON.stringify(event.data)).not.toContain(marker);
  });

  it('a source that cannot be reached: operate is not told which address refused', async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    await addTestConnection(api.t.db, 'gone', url, { timeoutMs: 2000 });
    const res = await api.request({ method: 'POST', url: '/v1/connections/gone/check', as: 'operate' });
    expect(res.json<Shown>()).toMatchObject({ ok: false, code: 'SOURCE_UNAVAILABLE' });
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:\d{4,5}/);
  });
});
