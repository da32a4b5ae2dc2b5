import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cancelActiveRun } from '../../operations/cancel-run.js';
import { listRuns, runDetail, runToJson } from '../../operations/runs.js';
import { prepareReplay, startSync, syncRequest } from '../../operations/syncs.js';
import type { SyncRun } from '../../warehouse/sync-runs.js';
import {
  connectionIdParam, cursorSchema, runIdParam, runSchema, startedRunSchema, syncRequestSchema, syncStatuses, tags, withFieldsIn,
} from '../operations-schemas.js';
import { errorViewFor } from '../error-view.js';
import { problemResponses } from '../problem.js';
import { startedRun } from '../started-run.js';
import { cursorParam, decodeCursor, encodeCursor, limitParam, security } from '../schemas.js';
import type { ApiRoutes } from './index.js';

/** A keyset cursor over ids, newest first: the id the next page starts below. */
export function checkIdPosition(value: unknown): number | null {
  if (!Array.isArray(value) || value.length !== 1) return null;
  const [id] = value as unknown[];
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

const runDetailSchema = runSchema
  .extend({
    streams: z.array(cursorSchema.omit({ runId: true }).extend({ done: z.boolean().describe('Whether the run read the stream to its end') }))
      .describe('Each stream\'s progress in this run: its cursor (where a resumed run continues) and whether it is done'),
  })
  .meta({ id: 'SyncRunDetail' });

/**
 * Syncs and runs, as `lgsp sync`, `lgsp runs` and `lgsp replay` do them: start a sync (joining the connection's
 * active run when it asks the same), list and show runs with their counters, cursors and errors, replay a run.
 */
export const runRoutes: ApiRoutes = async (app, { deps }) => {
  const { db, syncQueue: queue } = deps;
  const started = (request: FastifyRequest, run: SyncRun, joined: boolean) => startedRun(deps, request, run, joined);

  app.post('/v1/connections/:id/syncs', {
    config: { scope: 'operate', audit: { action: 'sync.start', object: 'connection', idParam: 'id' } },
    schema: {
      tags, security,
      summary: 'Queue a sync of the connection (joins its active run when that does the same)',
      description: 'As `lgsp sync`: incremental (from the stored cursors), full_refresh, or a backfill of months with from/to. '
        + 'A connection never has two runs at once: when it already has one queued or running that does the same, the answer is that run '
        + 'with joined true; a different one is a 409 SYNC_ALREADY_ACTIVE. Follow the run with GET /v1/runs/{id}.',
      params: z.object({ id: connectionIdParam }),
      body: syncRequestSchema,
      response: { 202: startedRunSchema, ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const runRequest = await withFieldsIn('body', () => syncRequest(request.params.id, request.body));
    const { run, joined } = await startSync(db, queue, runRequest);
    return reply.code(202).send(await started(request, run, joined));
  });

  app.get('/v1/runs', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Sync runs, newest first, with their counters, duration and error',
      description: 'As `lgsp runs list`. Keyset-paged: pass `next` back as `cursor` until it is null.',
      querystring: z.object({
        connection: connectionIdParam.optional().describe('Only runs of this connection'),
        status: z.enum(syncStatuses).optional(),
        limit: limitParam,
        cursor: cursorParam.optional(),
      }),
      response: { 200: z.object({ items: z.array(runSchema), next: z.string().nullable() }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { connection, status, limit, cursor } = request.query;
    const beforeId = cursor === undefined ? undefined : decodeCursor(cursor, checkIdPosition);
    const runs = await listRuns(db, { connectionId: connection, status, beforeId, limit: limit + 1 });
    const page = runs.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => runToJson(r, errorViewFor(request))), next: runs.length > limit && last ? encodeCursor([last.id]) : null };
  });

  app.get('/v1/runs/:id', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'One run: counters, cursors before and after, each stream\'s progress, the error with its causes',
      description: 'As `lgsp runs show`. Poll it to follow a run: status goes queued, running, then succeeded, failed or cancelled.',
      params: z.object({ id: runIdParam }),
      response: { 200: runDetailSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { run, streams } = await runDetail(db, request.params.id);
    return { ...runToJson(run, errorViewFor(request)), streams: streams.map((s) => ({ stream: s.stream, cursor: s.cursor, done: s.done, updatedAt: s.updatedAt.toISOString() })) };
  });

  app.post('/v1/runs/:id/cancel', {
    config: { scope: 'operate', audit: { action: 'run.cancel', object: 'run', idParam: 'id' } },
    schema: {
      tags, security,
      operationId: 'cancelRun',
      summary: 'Cancel a queued or running run an operator gives up on',
      description: 'As `lgsp runs cancel`. The run becomes cancelled (error RUN_CANCELLED, with its vn.lgsp.sync.failed.v1 event) and its connection '
        + 'can sync again at once. A waiting job is taken off the queue (jobRemoved); a worker executing the run stops at its next page, which is '
        + 'rolled back whole; pages committed before stay. A run that has ended is a 409 RUN_NOT_ACTIVE.',
      params: z.object({ id: runIdParam }),
      response: {
        200: z.object({ run: runSchema, jobRemoved: z.boolean().describe('Whether the job was taken off the queue (false: a worker holds it and stops at its next page, or it was already gone)') })
          .meta({ id: 'CancelledRun' }),
        ...problemResponses(400, 401, 403, 404, 409),
      },
    },
  }, async (request) => {
    const { run, jobRemoved } = await cancelActiveRun(db, queue, request.params.id);
    return { run: runToJson(run, errorViewFor(request)), jobRemoved };
  });

  app.post('/v1/runs/:id/replay', {
    config: { scope: 'operate', audit: { action: 'run.replay', object: 'run', idParam: 'id' } },
    schema: {
      tags, security,
      summary: 'Replay a run: normalise its landed raw records again (after a normaliser fix), without fetching',
      description: 'As `lgsp replay`. A replay of a replay replays the original run. The run must have ended (409 RUN_ACTIVE) and landed raw records (409 REPLAY_NOTHING).',
      params: z.object({ id: runIdParam }),
      response: { 202: startedRunSchema, ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const { request: replay } = await prepareReplay(db, request.params.id);
    const { run, joined } = await startSync(db, queue, replay);
    return reply.code(202).send(await started(request, run, joined));
  });
};
