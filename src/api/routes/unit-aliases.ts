import { z } from 'zod';
import { auditObjectId } from '../../audit/api-recorder.js';
import { addUnitAlias, aliasLevels, aliasToJson, listUnitAliases, removeUnitAlias } from '../../operations/unit-aliases.js';
import { withFieldsIn } from '../operations-schemas.js';
import { problemResponses } from '../problem.js';
import { security } from '../schemas.js';
import type { ApiRoutes } from './index.js';

const tags = ['units'];
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD, e.g. 2025-07-01');

const aliasSchema = z
  .object({
    id: z.number().int(),
    name: z.string().describe('The name as sources write it'),
    level: z.enum(aliasLevels),
    code: z.string().describe('The unit\'s code: the version valid on the day a record means'),
    from: z.string().nullable().describe('First day it holds (null: always before)'),
    to: z.string().nullable().describe('Last day it holds (null: still)'),
    note: z.string().nullable(),
    createdBy: z.string().describe('The API key (name) or OS user that added it'),
    createdAt: z.string(),
  })
  .meta({ id: 'UnitAlias', description: 'A steward\'s alias: a name meaning the unit of (level, code) on the days it holds' });

const newAliasSchema = z
  .strictObject({
    name: z.string().min(1).max(200).describe('The name as the source writes it, e.g. a misspelling "Kien Giangg"'),
    code: z.string().regex(/^(\d{2}|\d{5})$/, 'expected a unit code: 2 digits for a province (91), 5 for a commune (00004)').describe('The unit it means'),
    level: z.enum(aliasLevels).optional().describe('Default: from the code (2 digits province, 5 commune)'),
    from: day.optional().describe('First day it holds; default: always before'),
    to: day.optional().describe('Last day it holds; default: still'),
    note: z.string().max(500).optional().describe('Why it was added, for the next steward'),
  })
  .meta({ id: 'NewUnitAlias' });

/** Stewards' aliases, as `lgsp units alias` manages them: names the resolvers take for a unit from then on. */
export const unitAliasRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/v1/units/aliases', {
    config: { scope: 'operate' },
    schema: {
      tags, security, summary: 'Stewards\' unit aliases, oldest first',
      response: { 200: z.object({ items: z.array(aliasSchema) }), ...problemResponses(401, 403) },
    },
  }, async () => ({ items: (await listUnitAliases(deps.db)).map(aliasToJson) }));

  app.post('/v1/units/aliases', {
    config: { scope: 'operate', audit: { action: 'unit.alias.create', object: 'unit_alias' } },
    schema: {
      tags, security,
      summary: 'Add an alias: a name that means a unit on the days given, used by every resolution from now on',
      description: 'As `lgsp units alias add`. The code must name a unit of the level on every day from `from` to `to` (400 UNIT_ALIAS_CODE_INVALID, field code); '
        + 'a name already an alias at the level on some of those days is a 409 UNIT_ALIAS_EXISTS. Then reprocess the records it fixes: POST /v1/rejected/reprocess.',
      body: newAliasSchema,
      response: { 201: aliasSchema, ...problemResponses(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const by = request.apiKey === null ? 'api' : `apikey:${request.apiKey.id} (${request.apiKey.name})`;
    const alias = await withFieldsIn('body', () => addUnitAlias(deps.db, request.body, by));
    auditObjectId(request, String(alias.id));
    return reply.code(201).send(aliasToJson(alias));
  });

  app.delete('/v1/units/aliases/:id', {
    config: { scope: 'operate', audit: { action: 'unit.alias.delete', object: 'unit_alias', idParam: 'id' } },
    schema: {
      tags, security, summary: 'Remove an alias: the name stops resolving to its unit at once (observations already made stay)',
      params: z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('Alias id') }),
      response: { 200: aliasSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => aliasToJson(await removeUnitAlias(deps.db, request.params.id)));
};
