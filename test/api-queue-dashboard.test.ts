import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserLoginRealm } from '../src/api/auth.js';
import { syncQueueName, type SyncJobData } from '../src/queue/sync-queue.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const basic = (key: string) => `Basic ${Buffer.from(`admin:${key}`).toString('base64')}`;

describe('/admin/queues: the Bull Board dashboard of the sync queue', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // Jobs carrying what must never show: a producer that put configuration and secrets in the data.
    const leaky = { connectionId: 'dvc-portal-91', runId: 42, config: { baseUrl: 'https://dvc.example', clientSecret: 'S3CRET-CONFIG' }, token: 'S3CRET-TOKEN' };
    const job = await api.deps.syncQueue.add('sync', leaky, { jobId: 'run-42-1' });
    await job.updateProgress({ runId: 42, stream: 'dossiers', records_fetched: 120, password: 'S3CRET-PROGRESS' });
    await api.deps.syncQueue.add('sync', { connectionId: 'payment-stats-40', runId: 43 }, { jobId: 'run-43-1', delay: 60_000 });
    await api.deps.syncQueue.upsertJobScheduler('schedule:dvc-portal-91', { every: 3_600_000 }, { name: 'scheduled-sync', data: { connectionId: 'dvc-portal-91', secret: 'S3CRET-TEMPLATE' } as SyncJobData });
  });
  afterAll(async () => {
    await api.close();
  });

  it('401 without a key, asking a browser for it (basic auth, the key as password)', async () => {
    for (const url of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/favicon.ico']) {
      const res = await api.request({ method: 'GET', url, as: null });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toBe(`Basic realm="${browserLoginRealm}", charset="UTF-8"`);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING' });
    }
    const wrong = await api.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(`${api.keys.admin.slice(0, -2)}xx`) } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'API_KEY_INVALID' });
  });

  it('403 for a read or operate key', async () => {
    for (const as of ['read', 'operate'] as const) {
      const res = await api.request({ method: 'GET', url: '/admin/queues', as });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'SCOPE_MISSING' });
      const json = await api.request({ method: 'GET', url: '/admin/queues/api/queues', as });
      expect(json.statusCode).toBe(403);
    }
    const browser = await api.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(api.keys.read) } });
    expect(browser.statusCode).toBe(403);
  });

  it('200 for an admin key: the page and its assets, by bearer token or by the browser login', async () => {
    const page = await api.request({ method: 'GET', url: '/admin/queues', as: 'admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toMatch(/<base href="\/admin\/queues\/"/); // assets resolve under the dashboard
    const browser = await api.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(api.keys.admin) } });
    expect(browser.statusCode).toBe(200);
    const asset = await api.app.inject({ method: 'GET', url: '/admin/queues/static/favicon.ico', headers: { authorization: basic(api.keys.admin) } });
    expect(asset.statusCode).toBe(200);
  });

  it('shows the sync queue with job data redacted to connection and run in its JSON API', async () => {
    const res = await api.request({ method: 'GET', url: `/admin/queues/api/queues?activeQueue=${syncQueueName}&status=latest&page=1&jobsPerPage=10`, as: 'admin' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('S3CRET');
    expect(res.body).not.toContain('dvc.example');
    const body = res.json<{ queues: { name: string; readOnlyMode: boolean; counts: Record<string, number>; jobs: { id: string; data: unknown; progress: unknown }[] }[] }>();
    const queue = body.queues.find((q) => q.name === syncQueueName);
    expect(queue?.readOnlyMode).toBe(true);
    // run-42-1, and the scheduler's first run (an `every` scheduler queues one at once); run-43-1 is delayed.
    expect(queue?.counts).toMatchObject({ waiting: 2, delayed: 1 });
    const jobs = Object.fromEntries((queue?.jobs ?? []).map((j) => [j.id, j]));
    expect(jobs['run-42-1']?.data).toEqual({ connectionId: 'dvc-portal-91', runId: 42 });
    expect(jobs['run-42-1']?.progress).toEqual({ runId: 42, stream: 'dossiers', records_fetched: 120 });
    expect(jobs['run-43-1']?.data).toEqual({ connectionId: 'payment-stats-40', runId: 43 });
    const scheduled = queue?.jobs.find((j) => j.id.startsWith('repeat:'));
    expect(scheduled?.data).toEqual({ connectionId: 'dvc-portal-91' });

    const one = await api.request({ method: 'GET', url: `/admin/queues/api/queues/${syncQueueName}/run-42-1`, as: 'admin' });
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain('S3CRET');
    expect(one.json<{ job: { data: unknown } }>().job.data).toEqual({ connectionId: 'dvc-portal-91', runId: 42 });

    const schedulers = await api.request({ method: 'GET', url: '/admin/queues/api/job-schedulers', as: 'admin' });
    expect(schedulers.statusCode).toBe(200);
    expect(schedulers.body).not.toContain('S3CRET');
    expect(schedulers.json<{ schedulers: { template?: { data?: unknown } }[] }>().schedulers.map((s) => s.template?.data)).toEqual([{ connectionId: 'dvc-portal-91' }]);
  });

  it('is read-only: pausing, retrying or editing through the dashboard is refused', async () => {
    const pause = await api.request({ method: 'PUT', url: `/admin/queues/api/queues/${syncQueueName}/pause`, as: 'admin' });
    expect(pause.statusCode).toBeGreaterThanOrEqual(400);
    expect(await api.deps.syncQueue.isPaused()).toBe(false);
    const edit = await api.request({ method: 'PATCH', url: `/admin/queues/api/queues/${syncQueueName}/run-42-1/update-data`, as: 'admin', payload: { jobData: { connectionId: 'x' } } });
    expect(edit.statusCode).toBeGreaterThanOrEqual(400);
    expect((await api.deps.syncQueue.getJob('run-42-1'))?.data.connectionId).toBe('dvc-portal-91');
  });

  it('keeps the dashboard out of the OpenAPI document', async () => {
    const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
    expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});
