import { z } from 'zod';
import { groupRejected, rejectionStates } from '../../operations/rejection-groups.js';
import { listRejected, rejectedToJson } from '../../operations/rejections.js';
import { prepareReprocess } from '../../operations/reprocess.js';
import { startSync } from '../../operations/syncs.js';
import {
  connectionIdParam, rejectedSchema, rejectionGroupSchema, reprocessRequestSchema, runIdParam, startedReprocessSchema, tags,
} from '../operations-schemas.js';
import { problemResponses } from '../problem.js';
import { cursorParam, decodeCursor, encodeCursor, limitParam, security } from '../schemas.js';
import { startedRun } from '../started-run.js';
import type { ApiRoutes } from './index.js';
import { checkIdPosition } from './runs.js';

const filters = {
  connection: connectionIdParam.optional().describe('Only of this connection'),
  run: runIdParam.optional().describe('Only of this run'),
  code: z.string().min(1).max(100).optional().describe('Only with this code (any case), e.g. NEGATIVE_COUNT, UNIT_NOT_FOUND'),
  status: z.enum(rejectionStates).default('open').describe('open (default): not yet resolved; resolved: normalised by a reprocess since; all'),
};

/**
 * The records the normalisers refused, as `lgsp rejected` shows them: listed, grouped by code and reason, and
 * normalised again from the landing zone after a steward's fix (`POST /v1/rejected/reprocess`).
 */
export const rejectedRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/v1/rejected', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Rejected records, newest first, with the reason, the code and where each sits in the source',
      description: 'As `lgsp rejected list`: open ones unless `status` says otherwise. After fixing the source: POST /v1/connections/{id}/syncs; '
        + 'the normaliser: POST /v1/runs/{id}/replay; a unit name (POST /v1/units/aliases): POST /v1/rejected/reprocess. '
        + 'Keyset-paged: pass `next` back as `cursor` until it is null; `total` counts every record matching the filters.',
      querystring: z.object({ ...filters, limit: limitParam, cursor: cursorParam.optional() }),
      response: {
        200: z.object({ items: z.array(rejectedSchema), next: z.string().nullable(), total: z.number().int() }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const { connection, run, code, status, limit, cursor } = request.query;
    const beforeId = cursor === undefined ? undefined : decodeCursor(cursor, checkIdPosition);
    const { records, total } = await listRejected(deps.db, { connectionId: connection, runId: run, code, state: status, beforeId, limit: limit + 1 });
    const page = records.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(rejectedToJson), next: records.length > limit && last ? encodeCursor([last.id]) : null, total };
  });

  app.get('/v1/rejected/groups', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Rejected records grouped by code and reason, with counts, the largest groups first',
      description: 'As `lgsp rejected list --group`: what to fix first. Open ones unless `status` says otherwise.',
      querystring: z.object(filters),
      response: { 200: z.object({ items: z.array(rejectionGroupSchema), total: z.number().int() }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { connection, run, code, status } = request.query;
    const groups = await groupRejected(deps.db, { connectionId: connection, runId: run, code, state: status });
    return { items: groups, total: groups.reduce((n, g) => n + g.count, 0) };
  });

  app.post('/v1/rejected/reprocess', {
    config: { scope: 'operate', audit: { action: 'rejected.reprocess', object: 'connection', idBody: 'connection' } },
    schema: {
      tags, security,
      summary: 'Normalise open rejected records again from the landing zone, without fetching (after a steward\'s fix)',
      description: 'As `lgsp rejected reprocess`. One run (mode reprocess) per connection with open rejected records matching the body; each record that '
        + 'now normalises is resolved by it and its observation changes are published as events; those still failing stay open with the new reason. '
        + 'Nothing open matching: 409 REPROCESS_NOTHING; unknown connection or ids: 404. Follow each run with GET /v1/runs/{id}.',
      body: reprocessRequestSchema,
      response: { 202: startedReprocessSchema, ...problemResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const body = request.body;
    const requests = await prepareReprocess(deps.db, { connectionId: body.connection, code: body.code, ids: body.ids });
    const runs = [];
    for (const r of requests) {
      const { run, joined } = await startSync(deps.db, deps.syncQueue, r);
      runs.push(await startedRun(deps, request, run, joined));
    }
    return reply.code(202).send({ runs });
  });
};
