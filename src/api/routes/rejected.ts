import { z } from 'zod';
import { listRejected, rejectedToJson } from '../../operations/rejections.js';
import { connectionIdParam, rejectedSchema, runIdParam, tags } from '../operations-schemas.js';
import { problemResponses } from '../problem.js';
import { cursorParam, decodeCursor, encodeCursor, limitParam, security } from '../schemas.js';
import type { ApiRoutes } from './index.js';
import { checkIdPosition } from './runs.js';

/** `GET /v1/rejected`: the records the normalisers refused, as `lgsp rejected list --json` shows them. */
export const rejectedRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/v1/rejected', {
    config: { scope: 'operate' },
    schema: {
      tags, security,
      summary: 'Rejected records, newest first, with the reason, the code and where each sits in the source',
      description: 'As `lgsp rejected list`. After fixing the source or the normaliser: POST /v1/connections/{id}/syncs or POST /v1/runs/{id}/replay. '
        + 'Keyset-paged: pass `next` back as `cursor` until it is null; `total` counts every record matching the filters.',
      querystring: z.object({
        connection: connectionIdParam.optional().describe('Only of this connection'),
        run: runIdParam.optional().describe('Only of this run'),
        code: z.string().min(1).max(100).optional().describe('Only with this code (any case), e.g. NEGATIVE_COUNT, UNIT_NOT_FOUND'),
        limit: limitParam,
        cursor: cursorParam.optional(),
      }),
      response: {
        200: z.object({ items: z.array(rejectedSchema), next: z.string().nullable(), total: z.number().int() }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const { connection, run, code, limit, cursor } = request.query;
    const beforeId = cursor === undefined ? undefined : decodeCursor(cursor, checkIdPosition);
    const { records, total } = await listRejected(deps.db, { connectionId: connection, runId: run, code, beforeId, limit: limit + 1 });
    const page = records.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(rejectedToJson), next: records.length > limit && last ? encodeCursor([last.id]) : null, total };
  });
};
