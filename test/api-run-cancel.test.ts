import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncJobId } from '../src/queue/sync-queue.js';
import { listAuditEntries } from '../src/warehouse/audit-log.js';
import { getRun } from '../src/warehouse/sync-runs.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { addTestConnection } from './support/warehouse-fixtures.js';

describe('POST /v1/runs/{id}/cancel', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts' });
    // No worker: the run stays queued, its job waiting. The source is never asked.
    await addTestConnection(api.t.db, 'dvc', 'http://127.0.0.1:9/');
  });
  afterAll(async () => {
    await api.close();
  });

  it('cancels a queued run (operate scope): its job leaves the queue, the connection can sync again, and a second cancel is a 409', async () => {
    const queued = await api.request({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'incremental' }, as: 'operate' });
    expect(queued.statusCode).toBe(202);
    const runId = (queued.json<{ run: { id: number } }>()).run.id;
    expect((await api.request({ method: 'POST', url: `/v1/runs/${runId}/cancel`, as: 'read' })).statusCode).toBe(403);

    const res = await api.request({ method: 'POST', url: `/v1/runs/${runId}/cancel`, as: 'operate' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ jobRemoved: true, run: { id: runId, status: 'cancelled', error: { code: 'RUN_CANCELLED' } } });
    const run = await getRun(api.t.db, runId);
    if (!run) throw new Error('the run is gone');
    expect(await api.deps.syncQueue.getJobState(syncJobId(run))).toBe('unknown');
    const events = await api.t.db.selectFrom('outbox_event').select(['type', 'data']).where('subject', '=', `sync/dvc/${runId}`).execute();
    expect(events).toMatchObject([{ type: 'vn.lgsp.sync.failed.v1', data: { status: 'cancelled', error: { code: 'RUN_CANCELLED' } } }]);
    const audit = (await listAuditEntries(api.t.db, { limit: 100 })).find((e) => e.action === 'run.cancel');
    expect(audit).toMatchObject({ objectType: 'run', objectId: String(runId), outcome: 'success' });

    const again = await api.request({ method: 'POST', url: `/v1/runs/${runId}/cancel`, as: 'operate' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'RUN_NOT_ACTIVE' });
    expect(again.json<{ detail: string }>().detail).toMatch(/lgsp sync dvc/);

    const next = await api.request({ method: 'POST', url: '/v1/connections/dvc/syncs', payload: { mode: 'incremental' }, as: 'operate' });
    expect(next.json()).toMatchObject({ joined: false });
    expect(next.json<{ run: { id: number } }>().run.id).not.toBe(runId);
  });

  it('is in the OpenAPI document with its operationId', async () => {
    const doc = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json<{ paths: Record<string, Record<string, { operationId?: string }>> }>();
    expect(doc.paths['/v1/runs/{id}/cancel']?.post?.operationId).toBe('cancelRun');
  });
});
