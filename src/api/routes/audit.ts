import { z } from 'zod';
import { momentSchema } from '../../audit/moment.js';
import { listAuditEntries, type AuditEntry } from '../../warehouse/audit-log.js';
import { auditChannels, auditOutcomes } from '../../warehouse/schema.js';
import { problemResponses } from '../problem.js';
import { badQuery, cursorParam, decodeCursor, encodeCursor, limitParam, security } from '../schemas.js';
import type { ApiRoutes } from './index.js';
import { checkIdPosition } from './runs.js';

const text = z.string().min(1).max(200);

const querySchema = z.strictObject({
  actor: text.optional().describe('An API key id or name, or the OS user of a CLI command'),
  action: text.optional().describe('An action, e.g. connection.create, or a family ending in .*, e.g. webhook.*'),
  object: text.optional().describe('The kind of object acted on, e.g. connection, apikey, webhook, run'),
  objectId: text.optional().describe('The id of the object acted on'),
  outcome: z.enum(auditOutcomes).optional(),
  since: momentSchema.optional().describe('From this moment (inclusive): a date (its start in UTC) or a date-time with offset'),
  until: momentSchema.optional().describe('Before this moment (exclusive)'),
  limit: limitParam,
  cursor: cursorParam.optional(),
});

const entrySchema = z
  .strictObject({
    id: z.number().int(),
    at: z.string(),
    channel: z.enum(auditChannels).describe('api: an HTTP request; cli: an `lgsp` command'),
    actor: z.string().nullable().describe('The API key id (null when no valid key was presented), or the OS user'),
    actorName: z.string().nullable().describe('The API key\'s name'),
    client: z.string().describe('The client\'s IP address (api) or the host name (cli)'),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    outcome: z.enum(auditOutcomes).describe('success; partial (some input rows rejected); refused (nothing was done); failed'),
    status: z.number().int().nullable().describe('The HTTP status (api)'),
    exitCode: z.number().int().nullable().describe('The exit code (cli)'),
    errorCode: z.string().nullable().describe('The stable code of the refusal or failure'),
    method: z.string().nullable(),
    route: z.string().nullable().describe('The route pattern, never the URL with its values'),
    fields: z.array(z.string()).describe('The names of the fields the request gave, never their values'),
  })
  .meta({ id: 'AuditEntry' });

function entryView(e: AuditEntry): z.infer<typeof entrySchema> {
  return { ...e, at: e.at.toISOString(), fields: [...e.fields] };
}

/** `GET /v1/audit`: the audit log of operator actions (API and CLI), newest first, for admins. */
export const auditRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/v1/audit', {
    config: { scope: 'admin' },
    schema: {
      tags: ['audit'], security,
      summary: 'The audit log: every state-changing API call and CLI command, who, what, from where and how it ended',
      description: 'Newest first; refused and failed actions too. Entries are append-only and hold no secrets (ids and field names, never values). '
        + 'Keyset-paged: pass `next` back as `cursor` until it is null.',
      querystring: querySchema,
      response: { 200: z.strictObject({ items: z.array(entrySchema), next: z.string().nullable() }), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    const { cursor, limit, object, ...filter } = request.query;
    if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) throw badQuery('until', 'must be after since');
    const beforeId = cursor === undefined ? undefined : decodeCursor(cursor, checkIdPosition);
    const entries = await listAuditEntries(deps.db, { ...filter, objectType: object, beforeId, limit: limit + 1 });
    const page = entries.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(entryView), next: entries.length > limit && last ? encodeCursor([last.id]) : null };
  });
};
