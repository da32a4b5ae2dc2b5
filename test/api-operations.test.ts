import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { InjectOptions } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import { startInProcessWorker } from './support/cli-queue.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { generateRows, testClient, TestSource } from './support/test-source.js';
import { loadProvinceReference, testSecretEnv } from './support/warehouse-fixtures.js';

const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `2025-${String(from + i).padStart(2, '0')}`);
const secretVariable = 'LGSP_SECRET_TEST_CLIENT' satisfies keyof typeof testSecretEnv;

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Run {
  id: number;
  connectionId: string;
  mode: string;
  status: string;
  replayOf: number | null;
  counts: Record<string, number>;
  cursorBefore: unknown;
  cursorAfter: unknown;
  error: { code: string; message: string; causes: string[] } | null;
}

describe('API operations: connections, schedules, syncs, runs, rejected records', () => {
  let api: TestApi;
  let source: TestSource;
  let baseUrl: string;
  let worker: SyncWorker | undefined;
  let firstRun = 0;
  let secretsDir: string;
  const savedSecret = process.env[secretVariable];

  const operate = (options: InjectOptions) => api.request({ ...options, as: 'operate' });
  const fieldsOf = (body: Problem) => (body.errors ?? []).map((e) => e.field);
  const newConnection = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    connector: 'test-dossiers',
    name: `DVC ${id}`,
    config: { baseUrl, clientId: testClient.id, pageSize: 10 },
    secretRefs: { client_secret: { env: secretVariable } },
    ...extra,
  });
  const schedulers = async () => (await api.deps.syncQueue.getJobSchedulers()).map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz, every: s.every }));

  /** Polls GET /v1/runs/{id} until the run ends. */
  async function waitForRun(id: number): Promise<Run & { streams: { stream: string; done: boolean; cursor: unknown }[] }> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const res = await operate({ method: 'GET', url: `/v1/runs/${id}` });
      expect(res.statusCode).toBe(200);
      const run = res.json<Run & { streams: { stream: string; done: boolean; cursor: unknown }[] }>();
      if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    // The connectors of the API: the built-ins plus the test connector, loaded as an operator loads their own.
    // The host's secrets folder holds a link out of it: a connection may not name it.
    secretsDir = await mkdtemp(join(tmpdir(), 'lgsp-secrets-'));
    await symlink('/etc/passwd', join(secretsDir, 'leak'));
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_API_RATE_LIMIT: '100000', LGSP_SECRETS_DIR: secretsDir });
    await loadProvinceReference(api.t.db);
    source = new TestSource(generateRows([{ code: '40', months: months(1, 6) }], 2));
    baseUrl = await source.start();
    // `check` runs in the API process: the secret comes from its environment.
    process.env[secretVariable] = testClient.secret;
  });
  afterAll(async () => {
    if (savedSecret === undefined) delete process.env.LGSP_SECRET_TEST_CLIENT;
    else process.env.LGSP_SECRET_TEST_CLIENT = savedSecret;
    await worker?.shutdown();
    await api.close();
    await source.stop();
    await rm(secretsDir, { recursive: true, force: true });
  });

  it('documents every operations route in the OpenAPI document, which stays valid', async () => {
    const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
    const document = res.json<OpenAPIV3_1.Document>();
    await SwaggerParser.validate(structuredClone(document) as never);
    const paths = document.paths ?? {};
    expect(Object.keys(paths)).toEqual(expect.arrayContaining([
      '/v1/connections', '/v1/connections/{id}', '/v1/connections/{id}/check', '/v1/connections/{id}/schedule',
      '/v1/connections/{id}/schedule/pause', '/v1/connections/{id}/schedule/resume', '/v1/connections/{id}/syncs',
      '/v1/runs', '/v1/runs/{id}', '/v1/runs/{id}/replay', '/v1/rejected',
    ]));
    const post = paths['/v1/connections']?.post;
    expect(post?.tags).toEqual(['operations']);
    expect(post?.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409']));
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(expect.arrayContaining(['SyncRun', 'Connection', 'ConnectionSummary', 'NewConnectionInput', 'ScheduleRequestInput', 'RejectedRecord']));
  });

  it('every operations route: 401 without a key, 403 with a read-only key', async () => {
    const routes: InjectOptions[] = [
      { method: 'GET', url: '/v1/connections' },
      { method: 'GET', url: '/v1/connections/dvc' },
      { method: 'POST', url: '/v1/connections', payload: newConnection('dvc') },
      { method: 'DELETE', url: '/v1/connections/dvc' },
      { method: 'POST', url: '/v1/connections/dvc/check' },
      { method: 'PUT', url: '/v1/connections/dvc/schedule', payload: { everyMinutes: 5 } },
      { method: 'POST', url: '/v1/connections/dvc/schedule/pause' },
      { method: 'POST', url: '/v1/connections/dvc/schedule/resume' },
      { method: 'POST', url: '/v1/connections/dvc/syncs', payload: {} },
      { method: 'GET', url: '/v1/runs' },
      { method: 'GET', url: '/v1/runs/1' },
      { method: 'POST', url: '/v1/runs/1/replay' },
      { method: 'GET', url: '/v1/rejected' },
    ];
    for (const route of routes) {
      const missing = await api.request({ ...route, as: null });
      expect([route.url, missing.statusCode, missing.json<Problem>().code]).toEqual([route.url, 401, 'API_KEY_MISSING']);
      const readOnly = await api.request({ ...route, as: 'read' });
      expect([route.url, readOnly.statusCode, readOnly.json<Problem>().code]).toEqual([route.url, 403, 'SCOPE_MISSING']);
    }
    // Nothing was done by the refused requests.
    expect(await api.t.db.selectFrom('connection').select('id').execute()).toEqual([]);
  });

  it('POST /v1/connections: 400 naming the field for a config that does not fit, a secret value, a missing secret, an unknown connector, a bad id or schedule', async () => {
    const cases: { body: Record<string, unknown>; code: string; fields: string[]; detail?: RegExp }[] = [
      {
        body: newConnection('dvc', { config: { baseUrl: 'not a url', clientId: 'x', pagesize: 5 } }),
        code: 'CONNECTION_CONFIG_INVALID',
        fields: ['body.config.pagesize', 'body.config.baseUrl'],
        detail: /the config does not fit connector test-dossiers: pagesize: not a setting of connector test-dossiers \(its settings: baseUrl, clientId, pageSize, timeoutMs\); baseUrl: .*URL.*Fix config/i,
      },
      { body: newConnection('dvc', { config: { baseUrl } }), code: 'CONNECTION_CONFIG_INVALID', fields: ['body.config.clientId'] },
      { body: newConnection('dvc', { secretRefs: { client_secret: testClient.secret } }), code: 'VALIDATION_FAILED', fields: ['body.secretRefs.client_secret'], detail: /never the secret itself/ },
      { body: newConnection('dvc', { secretRefs: { client_secret: { env: 'lower case' } } }), code: 'VALIDATION_FAILED', fields: ['body.secretRefs.client_secret.env'], detail: /expected an environment variable name/ },
      { body: newConnection('dvc', { secretRefs: {} }), code: 'SECRET_MISSING', fields: ['body.secretRefs.client_secret'], detail: /needs secret "client_secret": add secretRefs\.client_secret: \{"env": "LGSP_SECRET_…"\}/ },
      { body: newConnection('dvc', { secretRefs: { client_secret: { env: 'LGSP_SECRET_A' }, api_key: { env: 'B' } } }), code: 'SECRET_REF_INVALID', fields: ['body.secretRefs.api_key'] },
      // Only what the host publishes: LGSP_SECRET_… variables and files directly in its secrets folder.
      ...[{ env: 'DATABASE_URL' }, { env: 'PATH' }, { env: 'LGSP_SECRET_' }, { file: '/etc/passwd' }, { file: '../x' }, { file: '.hidden' }, { file: 'sub/x' }, { file: 'leak' }].map((ref) => ({
        body: newConnection('dvc', { secretRefs: { client_secret: ref } }),
        code: 'SECRET_REF_INVALID',
        fields: ['body.secretRefs.client_secret'],
        detail: 'env' in ref
          ? new RegExp(`environment variable ${ref.env} is not published to connections: only variables named LGSP_SECRET_… are`)
          : ref.file === 'leak' ? /file leak of the secrets folder is a link leading out of it/ : /is not a file of the secrets folder: give the bare name of a file/,
      })),
      { body: newConnection('ag', { connector: 'spreadsheet', config: { inbox: '/etc' }, secretRefs: {} }), code: 'CONNECTION_CONFIG_INVALID', fields: ['body.config.inbox'], detail: /the inbox is an absolute path: give a folder under the inbox root/ },
      { body: newConnection('ag', { connector: 'spreadsheet', config: { inbox: 'so-khcn/../../..' }, secretRefs: {} }), code: 'CONNECTION_CONFIG_INVALID', fields: ['body.config.inbox'], detail: /the inbox has "\." or "\.\." segments/ },
      { body: newConnection('dvc', { connector: 'no-such-source' }), code: 'CONNECTOR_UNKNOWN', fields: ['body.connector'], detail: /installed are [a-z, -]*dvc-portal[a-z, -]*test-dossiers/ },
      { body: newConnection('DVC An Giang'), code: 'VALIDATION_FAILED', fields: ['body.id'] },
      { body: newConnection('dvc', { schedule: { cron: '0 2 * * *', tz: 'Mars/Olympus' } }), code: 'SCHEDULE_INVALID', fields: ['body.schedule.tz'], detail: /time zone "Mars\/Olympus" is not known/ },
      { body: newConnection('dvc', { schedule: { cron: '61 2 * * *' } }), code: 'SCHEDULE_INVALID', fields: ['body.schedule.cron'] },
      { body: newConnection('dvc', { schedule: { cron: '0 2 * * *', everyMinutes: 5 } }), code: 'SCHEDULE_INVALID', fields: ['body.schedule.everyMinutes'] },
      { body: newConnection('dvc', { password: 'x' }), code: 'VALIDATION_FAILED', fields: ['body.password'] },
    ];
    for (const c of cases) {
      const res = await operate({ method: 'POST', url: '/v1/connections', payload: c.body });
      const body = res.json<Problem>();
      expect([c.code, res.statusCode, body.code]).toEqual([c.code, 400, c.code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(fieldsOf(body)).toEqual(c.fields);
      if (c.detail) expect(body.detail).toMatch(c.detail);
      expect(res.body).not.toContain(testClient.secret);
    }
    expect(await api.t.db.selectFrom('connection').select('id').execute()).toEqual([]);
  });

  it('POST /v1/connections stores references, never values, registers the schedule at once, and refuses a duplicate id (409)', async () => {
    const res = await operate({ method: 'POST', url: '/v1/connections', payload: newConnection('dvc', { schedule: { cron: '0 2 * * *' } }) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'dvc', connector: 'test-dossiers', name: 'DVC dvc', config: { baseUrl, clientId: testClient.id, pageSize: 10 },
      secretRefs: { client_secret: { env: secretVariable } }, schedule: { cron: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' }, paused: false,
      scheduler: { id: 'schedule:dvc', next: expect.stringMatching(/^20\d\d-\d\d-\d\dT19:00:00\.000Z$/) as unknown, nextLocal: expect.stringMatching(/ 02:00 Asia\/Ho_Chi_Minh$/) as unknown },
    });
    expect(await schedulers()).toEqual([expect.objectContaining({ key: 'schedule:dvc', pattern: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' })]);
    const row = await api.t.db.selectFrom('connection').selectAll().where('id', '=', 'dvc').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(testClient.secret);

    const again = await operate({ method: 'POST', url: '/v1/connections', payload: newConnection('dvc', { name: 'again' }) });
    expect(again.statusCode).toBe(409);
    expect(again.json<Problem>()).toMatchObject({ code: 'CONNECTION_EXISTS', detail: expect.stringContaining('connection dvc already exists (connector test-dossiers, "DVC dvc")') as unknown });

    // A connection whose credentials the source refuses, for check and a failing sync below.
    const wrong = await operate({ method: 'POST', url: '/v1/connections', payload: newConnection('dvc-wrong', { config: { baseUrl, clientId: 'not-the-client' } }) });
    expect(wrong.statusCode).toBe(201);
    expect(wrong.json()).toMatchObject({ id: 'dvc-wrong', schedule: null, scheduler: null });
  });

  it('GET /v1/connections and /v1/connections/{id}: schedule, last run, cursors, secret references only; 404 for an unknown one', async () => {
    const list = await operate({ method: 'GET', url: '/v1/connections' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      items: [
        expect.objectContaining({ id: 'dvc', schedule: { cron: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' }, paused: false, lastRun: null }),
        expect.objectContaining({ id: 'dvc-wrong', schedule: null, lastRun: null }),
      ],
    });
    const one = await operate({ method: 'GET', url: '/v1/connections/dvc' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: 'dvc', secretRefs: { client_secret: { env: secretVariable } }, runs: [], cursors: [] });
    for (const res of [list, one]) expect(res.body).not.toContain(testClient.secret);

    const none = await operate({ method: 'GET', url: '/v1/connections/nope' });
    expect(none.statusCode).toBe(404);
    expect(none.json<Problem>()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('Connection "nope" does not exist') as unknown });
    const bad = await operate({ method: 'GET', url: '/v1/connections/Not%20An%20Id' });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toEqual(['params.id']);
  });

  it('POST /v1/connections/{id}/check: ok when the source accepts the connection, failed with the reason when it refuses it; 404', async () => {
    const ok = await operate({ method: 'POST', url: '/v1/connections/dvc/check' });
    expect(ok.statusCode).toBe(200);
    // What the source said is for admins (and the log); other keys learn that it answered (src/boundary/read-back.ts).
    expect(ok.json()).toEqual({ connection: 'dvc', connector: 'test-dossiers', ok: true, message: expect.stringContaining('The source answered the check') as unknown });
    const asAdmin = await api.request({ method: 'POST', url: '/v1/connections/dvc/check', as: 'admin' });
    expect(asAdmin.json()).toEqual({ connection: 'dvc', connector: 'test-dossiers', ok: true, message: `reached ${baseUrl} and authenticated` });

    const wrong = await operate({ method: 'POST', url: '/v1/connections/dvc-wrong/check' });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.json()).toMatchObject({ connection: 'dvc-wrong', ok: false, code: 'SOURCE_AUTH_FAILED', message: expect.any(String) as unknown });
    expect(wrong.body).not.toContain(testClient.secret);

    const none = await operate({ method: 'POST', url: '/v1/connections/nope/check' });
    expect(none.statusCode).toBe(404);
  });

  it('PUT .../schedule, POST .../schedule/pause and /resume: the database and the BullMQ job scheduler at once; 400 naming the field, 404, 409', async () => {
    const bad = await operate({ method: 'PUT', url: '/v1/connections/dvc-wrong/schedule', payload: { cron: '0 2 * * *', tz: 'Mars/Olympus' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>()).toMatchObject({ code: 'SCHEDULE_INVALID', errors: [{ field: 'body.tz' }] });
    const both = await operate({ method: 'PUT', url: '/v1/connections/dvc-wrong/schedule', payload: { cron: '0 2 * * *', everyMinutes: 5 } });
    expect(both.json<Problem>()).toMatchObject({ code: 'SCHEDULE_INVALID', detail: 'give either cron [tz] or everyMinutes, not both and not neither.' });
    const zero = await operate({ method: 'PUT', url: '/v1/connections/dvc-wrong/schedule', payload: { everyMinutes: 0 } });
    expect(zero.statusCode).toBe(400);
    expect(fieldsOf(zero.json())).toEqual(['body.everyMinutes']);
    const none = await operate({ method: 'PUT', url: '/v1/connections/nope/schedule', payload: { everyMinutes: 5 } });
    expect(none.statusCode).toBe(404);

    const resumeNothing = await operate({ method: 'POST', url: '/v1/connections/dvc-wrong/schedule/resume' });
    expect(resumeNothing.statusCode).toBe(409);
    expect(resumeNothing.json<Problem>().code).toBe('SCHEDULE_MISSING');

    const set = await operate({ method: 'PUT', url: '/v1/connections/dvc-wrong/schedule', payload: { cron: '30 6 * * 1-5', tz: 'Asia/Ho_Chi_Minh' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ connection: 'dvc-wrong', schedule: { cron: '30 6 * * 1-5', tz: 'Asia/Ho_Chi_Minh' }, paused: false, scheduler: { id: 'schedule:dvc-wrong', nextLocal: expect.stringMatching(/ 06:30 Asia\/Ho_Chi_Minh$/) as unknown } });
    expect(await schedulers()).toContainEqual(expect.objectContaining({ key: 'schedule:dvc-wrong', pattern: '30 6 * * 1-5' }));

    const pause = await operate({ method: 'POST', url: '/v1/connections/dvc-wrong/schedule/pause' });
    expect(pause.statusCode).toBe(200);
    expect(pause.json()).toEqual({ connection: 'dvc-wrong', schedule: { cron: '30 6 * * 1-5', tz: 'Asia/Ho_Chi_Minh' }, paused: true, scheduler: null });
    expect((await schedulers()).map((s) => s.key)).toEqual(['schedule:dvc']);

    const every = await operate({ method: 'PUT', url: '/v1/connections/dvc-wrong/schedule', payload: { everyMinutes: 90 } });
    expect(every.json()).toMatchObject({ schedule: { everyMinutes: 90 }, paused: true, scheduler: null });

    const resume = await operate({ method: 'POST', url: '/v1/connections/dvc-wrong/schedule/resume' });
    expect(resume.statusCode).toBe(200);
    expect(resume.json()).toMatchObject({ schedule: { everyMinutes: 90 }, paused: false, scheduler: { id: 'schedule:dvc-wrong' } });
    expect(await schedulers()).toContainEqual(expect.objectContaining({ key: 'schedule:dvc-wrong', every: 90 * 60_000 }));
    expect(await api.t.db.selectFrom('connection').select(['schedule', 'paused']).where('id', '=', 'dvc-wrong').executeTakeFirstOrThrow()).toEqual({ schedule: { everyMinutes: 90 }, paused: false });

    expect((await operate({ method: 'POST', url: '/v1/connections/nope/schedule/pause' })).statusCode).toBe(404);
    expect((await operate({ method: 'POST', url: '/v1/connections/nope/schedule/resume' })).statusCode).toBe(404);

    // No scheduled sync may reach the worker started below: pause both, and drop the job an "every" scheduler queued.
    for (const id of ['dvc', 'dvc-wrong']) expect((await operate({ method: 'POST', url: `/v1/connections/${id}/schedule/pause` })).statusCode).toBe(200);
    await api.deps.syncQueue.drain(true);
    expect(await schedulers()).toEqual([]);
  });

  it('POST .../syncs queues a run (202); the same request joins it, a different one is 409; a worker runs it to success with its counts', async () => {
    const badMode = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'full_refresh', from: '2025-01' } });
    expect(badMode.statusCode).toBe(400);
    expect(badMode.json<Problem>()).toMatchObject({ code: 'SYNC_MODE_INVALID', errors: [{ field: 'body.mode' }] });
    const badMonth = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { from: '2025-13' } });
    expect(badMonth.statusCode).toBe(400);
    expect(fieldsOf(badMonth.json())).toEqual(['body.from']);
    const backwards = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { from: '2025-05', to: '2025-01' } });
    expect(backwards.json<Problem>()).toMatchObject({ code: 'SYNC_MODE_INVALID', errors: [{ field: 'body.from' }] });
    const unknownMode = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'replay' } });
    expect(fieldsOf(unknownMode.json())).toEqual(['body.mode']);
    const none = await operate({ method: 'POST', url: '/v1/connections/nope/syncs', payload: {} });
    expect(none.statusCode).toBe(404);

    const first = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: {} });
    expect(first.statusCode).toBe(202);
    const queued = first.json<{ joined: boolean; run: Run }>();
    // No worker yet: the answer says so (the run waits in the queue).
    expect(queued).toMatchObject({ joined: false, run: { connectionId: 'dvc', mode: 'incremental', status: 'queued' }, workers: 0 });
    firstRun = queued.run.id;

    const second = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'incremental' } });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ joined: true, run: { id: firstRun, status: 'queued' } });

    const other = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'full_refresh' } });
    expect(other.statusCode).toBe(409);
    expect(other.json<Problem>()).toMatchObject({ code: 'SYNC_ALREADY_ACTIVE', detail: expect.stringContaining(`connection dvc already has run ${firstRun} (incremental) queued`) as unknown });

    // A connection with an active run cannot be removed.
    const busy = await operate({ method: 'DELETE', url: '/v1/connections/dvc?force=true' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json<Problem>().code).toBe('CONNECTION_BUSY');

    worker = startInProcessWorker(api.t.db, api.deps.config.queue);
    const run = await waitForRun(firstRun);
    expect(run).toMatchObject({ id: firstRun, status: 'succeeded', mode: 'incremental', error: null, cursorBefore: { rows: null } });
    expect(run.counts).toMatchObject({ records_fetched: source.rows.length, records_landed: source.rows.length, records_rejected: 0, observations_inserted: 2 * 6, units_via_succession: 0 });
    expect(run.cursorAfter).toMatchObject({ rows: { since: expect.stringMatching(/^2025-/) as unknown } });
    expect(run.streams).toEqual([expect.objectContaining({ stream: 'rows', done: true })]);

    const shown = await operate({ method: 'GET', url: '/v1/connections/dvc' });
    expect(shown.json()).toMatchObject({ runs: [{ id: firstRun, status: 'succeeded' }], cursors: [{ stream: 'rows', runId: firstRun }] });
  });

  it('a failing sync shows failed with the error code, message and causes', async () => {
    const started = await operate({ method: 'POST', url: '/v1/connections/dvc-wrong/syncs', payload: {} });
    expect(started.statusCode).toBe(202);
    const run = await waitForRun(started.json<{ run: Run }>().run.id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'SOURCE_AUTH_FAILED', message: expect.any(String) as unknown, causes: expect.any(Array) as unknown } });
  });

  it('GET /v1/rejected after rows with bad values: reason, code, location and payload; filters and pages; 400, 404', async () => {
    source.rows.push(
      { id: 'bad-negative', month: '2025-05', unit: '40', dossiers: -3, online: 1, updatedAt: source.nextUpdateTime() },
      { id: 'bad-text', month: '2025-05', unit: '40', dossiers: 'mười', online: 1, updatedAt: source.nextUpdateTime() },
    );
    const started = await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: {} });
    const run = await waitForRun(started.json<{ run: Run }>().run.id);
    expect(run).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ records_fetched: 2, records_rejected: 2 }) as unknown });

    const list = await operate({ method: 'GET', url: `/v1/rejected?run=${run.id}` });
    expect(list.statusCode).toBe(200);
    const body = list.json<{ items: Record<string, unknown>[]; next: string | null; total: number }>();
    expect(body).toMatchObject({ total: 2, next: null });
    expect(body.items).toEqual([
      expect.objectContaining({ runId: run.id, connectionId: 'dvc', stream: 'rows', code: 'NOT_A_NUMBER', reason: 'dossiers is not-a-number: "mười"', location: expect.objectContaining({ key: 'bad-text' }) as unknown, payload: expect.objectContaining({ id: 'bad-text' }) as unknown }),
      expect.objectContaining({ runId: run.id, code: 'NEGATIVE_COUNT', reason: 'dossiers is negative: -3', location: expect.objectContaining({ key: 'bad-negative' }) as unknown }),
    ]);

    const firstPage = (await operate({ method: 'GET', url: '/v1/rejected?connection=dvc&limit=1' })).json<{ items: { id: number }[]; next: string | null; total: number }>();
    expect(firstPage).toMatchObject({ total: 2, items: [{ code: 'NOT_A_NUMBER' }] });
    expect(firstPage.next).not.toBeNull();
    const secondPage = (await operate({ method: 'GET', url: `/v1/rejected?connection=dvc&limit=1&cursor=${firstPage.next ?? ''}` })).json<{ items: { id: number }[]; next: string | null }>();
    expect(secondPage).toMatchObject({ items: [{ code: 'NEGATIVE_COUNT' }], next: null });
    const byCode = (await operate({ method: 'GET', url: '/v1/rejected?code=negative_count' })).json<{ items: { code: string }[] }>();
    expect(byCode.items.map((i) => i.code)).toEqual(['NEGATIVE_COUNT']);

    expect((await operate({ method: 'GET', url: '/v1/rejected?connection=nope' })).statusCode).toBe(404);
    expect((await operate({ method: 'GET', url: '/v1/rejected?run=999999' })).statusCode).toBe(404);
    const badRun = await operate({ method: 'GET', url: '/v1/rejected?run=latest' });
    expect(badRun.statusCode).toBe(400);
    expect(fieldsOf(badRun.json())).toEqual(['querystring.run']);
    const badCursor = await operate({ method: 'GET', url: '/v1/rejected?cursor=xyz' });
    expect(fieldsOf(badCursor.json())).toEqual(['querystring.cursor']);
  });

  it('GET /v1/runs: newest first, filtered by connection and status, keyset-paged; GET /v1/runs/{id}: 400, 404', async () => {
    const all = (await operate({ method: 'GET', url: '/v1/runs' })).json<{ items: Run[]; next: string | null }>();
    expect(all.next).toBeNull();
    expect(all.items.map((r) => [r.connectionId, r.status])).toEqual([['dvc', 'succeeded'], ['dvc-wrong', 'failed'], ['dvc', 'succeeded']]);
    expect(all.items.map((r) => r.id)).toEqual([...all.items.map((r) => r.id)].sort((a, b) => b - a));

    const failed = (await operate({ method: 'GET', url: '/v1/runs?status=failed' })).json<{ items: Run[] }>();
    expect(failed.items.map((r) => r.connectionId)).toEqual(['dvc-wrong']);
    const ofDvc = (await operate({ method: 'GET', url: '/v1/runs?connection=dvc&limit=1' })).json<{ items: Run[]; next: string | null }>();
    expect(ofDvc.items).toHaveLength(1);
    const rest = (await operate({ method: 'GET', url: `/v1/runs?connection=dvc&limit=1&cursor=${ofDvc.next ?? ''}` })).json<{ items: Run[]; next: string | null }>();
    expect(rest).toMatchObject({ items: [{ id: firstRun }], next: null });

    expect((await operate({ method: 'GET', url: '/v1/runs?connection=nope' })).statusCode).toBe(404);
    const badStatus = await operate({ method: 'GET', url: '/v1/runs?status=done' });
    expect(badStatus.statusCode).toBe(400);
    expect(fieldsOf(badStatus.json())).toEqual(['querystring.status']);
    const badLimit = await operate({ method: 'GET', url: '/v1/runs?limit=0' });
    expect(fieldsOf(badLimit.json())).toEqual(['querystring.limit']);
    const badId = await operate({ method: 'GET', url: '/v1/runs/latest' });
    expect(badId.statusCode).toBe(400);
    expect(fieldsOf(badId.json())).toEqual(['params.id']);
    const none = await operate({ method: 'GET', url: '/v1/runs/999999' });
    expect(none.statusCode).toBe(404);
    expect(none.json<Problem>().detail).toContain('Sync run "999999" does not exist');
  });

  it('POST /v1/runs/{id}/replay: a replay run (202) that succeeds; a replay of a replay replays the original; nothing landed is 409; 400, 404', async () => {
    const res = await operate({ method: 'POST', url: `/v1/runs/${firstRun}/replay` });
    expect(res.statusCode).toBe(202);
    const { run: queued, workers } = res.json<{ joined: boolean; run: Run; workers: number }>();
    expect(queued).toMatchObject({ mode: 'replay', replayOf: firstRun, connectionId: 'dvc' });
    expect(workers).toBe(1);
    const replayed = await waitForRun(queued.id);
    expect(replayed).toMatchObject({ status: 'succeeded', mode: 'replay', replayOf: firstRun });
    expect(replayed.counts).toMatchObject({ records_fetched: 12, observations_inserted: 0, observations_updated: 0 });

    const ofReplay = await operate({ method: 'POST', url: `/v1/runs/${queued.id}/replay` });
    expect(ofReplay.statusCode).toBe(202);
    const again = ofReplay.json<{ run: Run }>().run;
    expect(again.replayOf).toBe(firstRun);
    await waitForRun(again.id);

    const empty = await waitForRun((await operate({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: {} })).json<{ run: Run }>().run.id);
    expect(empty.counts.records_landed).toBe(0);
    const nothing = await operate({ method: 'POST', url: `/v1/runs/${empty.id}/replay` });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json<Problem>()).toMatchObject({ code: 'REPLAY_NOTHING', detail: expect.stringContaining(`run ${empty.id} landed no raw records`) as unknown });

    expect((await operate({ method: 'POST', url: '/v1/runs/999999/replay' })).statusCode).toBe(404);
    const bad = await operate({ method: 'POST', url: '/v1/runs/0/replay' });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toEqual(['params.id']);
  });

  it('DELETE /v1/connections/{id}: 409 while its observations are in the warehouse, force=true keeps them detached; removes its scheduler; 400, 404', async () => {
    const refused = await operate({ method: 'DELETE', url: '/v1/connections/dvc' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<Problem>()).toMatchObject({ code: 'CONNECTION_HAS_DATA', detail: expect.stringContaining('connection dvc provided 12 observation(s)') as unknown });
    const badForce = await operate({ method: 'DELETE', url: '/v1/connections/dvc?force=maybe' });
    expect(badForce.statusCode).toBe(400);
    expect(fieldsOf(badForce.json())).toEqual(['querystring.force']);

    const removed = await operate({ method: 'DELETE', url: '/v1/connections/dvc?force=true' });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ connection: 'dvc', detached: { observation: 12, observation_revision: 12 }, scheduler: null });
    expect(await api.t.db.selectFrom('observation').select('connection_id').distinct().execute()).toEqual([{ connection_id: null }]);

    // A connection without data goes without force, and its job scheduler with it.
    expect((await operate({ method: 'POST', url: '/v1/connections', payload: newConnection('sched', { schedule: { cron: '0 3 * * *' } }) })).statusCode).toBe(201);
    await api.deps.syncQueue.drain(true);
    expect((await schedulers()).map((s) => s.key)).toEqual(['schedule:sched']);
    const plain = await operate({ method: 'DELETE', url: '/v1/connections/sched' });
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toEqual({ connection: 'sched', deleted: { runs: 0, rawRecords: 0, rejectedRecords: 0, cursors: 0 }, detached: {}, scheduler: null });
    expect(await schedulers()).toEqual([]);

    expect((await operate({ method: 'DELETE', url: '/v1/connections/dvc' })).statusCode).toBe(404);
    expect((await operate({ method: 'GET', url: '/v1/runs?connection=dvc' })).statusCode).toBe(404);
  });
});
