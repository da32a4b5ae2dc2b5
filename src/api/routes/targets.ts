import { z } from 'zod';
import { today } from '../../dates.js';
import { NotFoundError } from '../../errors.js';
import { describeTarget } from '../../reference/catalogue-queries.js';
import { progressStatuses } from '../../targets/progress.js';
import { findTargets, targetDocumentExists, type TargetRecord } from '../../targets/target-queries.js';
import { unitProgress } from '../../targets/unit-progress.js';
import { requireUnit } from '../../units/resolve.js';
import { targetComparisons } from '../../warehouse/schema.js';
import type { Db } from '../../warehouse/database.js';
import { problemResponses } from '../problem.js';
import { dateParam, indicatorCodeParam, security } from '../schemas.js';
import { requireIndicator } from './indicators.js';
import type { ApiRoutes } from './index.js';

const documentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    number: z.string().nullable(),
    issuedOn: z.string().nullable(),
    issuer: z.string(),
  })
  .meta({ id: 'TargetDocument' });

const targetSchema = z
  .object({
    id: z.number().int(),
    indicator: z.string(),
    unit: z.object({ id: z.number().int(), code: z.string(), name: z.string(), validFrom: z.string().nullable(), validTo: z.string().nullable() }),
    year: z.number().int().describe('The year the target is due'),
    comparison: z.enum(targetComparisons).describe('gt (>), gte (>=), lt (<), lte (<=), eq, top (a rank of value or better), range (value..valueMax)'),
    value: z.string(),
    valueMax: z.string().nullable(),
    basis: z.enum(['point', 'every_year', 'annual_average']).describe('point: the figure of that year; every_year: each year up to it; annual_average: the average yearly figure up to it'),
    text: z.string().describe('The target in words: "> 80", "top 30", "16..18 per year on average"'),
    note: z.string().nullable(),
    document: documentSchema,
  })
  .meta({ id: 'Target' });

const pointSchema = z.object({ period: z.string(), value: z.string() }).meta({ id: 'PeriodValue' });

const progressSchema = z
  .object({
    target: targetSchema,
    direction: z.enum(['higher_is_better', 'lower_is_better']),
    measureUnit: z.string(),
    latest: pointSchema.nullable().describe('The latest value: of an ended year if any, else the latest quarter, else month'),
    baseline: pointSchema.nullable().describe('The value of the year before the document (2024 for Resolution 57), else the earliest year before `latest`'),
    expected: z.string().nullable().describe('Where the straight line from the baseline to the target stands at the latest period'),
    gap: z.string().nullable().describe('The change the latest value still needs to reach the target (positive: rise; negative: fall; for a range the nearer bound)'),
    status: z.enum(progressStatuses).describe('met; on track (at or ahead of the line from the baseline to the target); at risk (behind it, or not met without a baseline); no data'),
    reason: z.string(),
  })
  .meta({ id: 'TargetProgress' });

function toBody(t: TargetRecord): z.infer<typeof targetSchema> {
  return { ...t, unit: { ...t.unit }, document: { ...t.document }, text: describeTarget(t) };
}

async function requireDocument(db: Db, id: string | undefined): Promise<void> {
  if (id !== undefined && !(await targetDocumentExists(db, id))) throw new NotFoundError('Target document', id, 'GET /v1/targets lists the documents with their targets.');
}

const unitDescription = 'A province code or name, resolved on asOf (default today): targets belong to the province valid on 1 January of their year (91 = the merged An Giang)';

/** `GET /v1/targets` and `GET /v1/progress`: targets by document, and how far a unit is from each. */
export const targetRoutes: ApiRoutes = async (app, { deps }) => {
  const { db } = deps;
  app.get('/v1/targets', {
    config: { scope: 'read' },
    schema: {
      tags: ['targets'], summary: 'Targets with their document, year and unit', security,
      querystring: z.object({
        unit: z.string().min(1).max(200).optional().describe(unitDescription),
        asOf: dateParam.optional(),
        indicator: indicatorCodeParam.optional(),
        document: z.string().min(1).max(200).optional().describe('A target document id, e.g. an-giang-02-ctr-tu'),
        year: z.coerce.number().int().min(2000).max(2100).optional(),
      }),
      response: { 200: z.object({ items: z.array(targetSchema) }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { unit, asOf, indicator, document, year } = request.query;
    const [u] = await Promise.all([
      unit === undefined ? null : requireUnit(db, unit, { asOf: asOf ?? today(), level: 'province' }),
      indicator === undefined ? null : requireIndicator(db, indicator),
      requireDocument(db, document),
    ]);
    const targets = await findTargets(db, {
      ...(u ? { unitId: u.id } : {}),
      ...(indicator !== undefined ? { indicator } : {}),
      ...(document !== undefined ? { documentId: document } : {}),
      ...(year !== undefined ? { year } : {}),
    });
    return { items: targets.map(toBody) };
  });

  app.get('/v1/progress', {
    config: { scope: 'read' },
    schema: {
      tags: ['targets'],
      summary: 'For each target of a unit: latest value and its period, baseline, gap to the target and a status',
      description:
        'met when the latest value satisfies the target; otherwise on track when it is at or ahead of the straight line from the baseline '
        + '(value and year) to the target in its target year, on the side the target lies (up for > and >=; down for <, <= and ranks; '
        + 'the indicator\'s direction for = and ranges), at risk when behind it or when there is no earlier year to measure from; no data without a value.',
      security,
      querystring: z.object({
        unit: z.string().min(1).max(200).describe(unitDescription),
        asOf: dateParam.optional().describe('Picks the unit version, and which periods count as ended; default today'),
        document: z.string().min(1).max(200).optional(),
        year: z.coerce.number().int().min(2000).max(2100).optional().describe('Only targets due this year (e.g. 2030; 2045 is the vision)'),
      }),
      response: { 200: z.object({ unit: z.object({ id: z.number().int(), code: z.string(), name: z.string() }), asOf: z.string(), items: z.array(progressSchema) }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { unit, document, year } = request.query;
    const asOf = request.query.asOf ?? today();
    const [u] = await Promise.all([requireUnit(db, unit, { asOf, level: 'province' }), requireDocument(db, document)]);
    const items = await unitProgress(db, u.id, { asOf, ...(document !== undefined ? { documentId: document } : {}), ...(year !== undefined ? { year } : {}) });
    return {
      unit: { id: u.id, code: u.code, name: u.name },
      asOf,
      items: items.map((p) => ({
        target: toBody(p.target),
        direction: p.direction,
        measureUnit: p.measureUnit,
        latest: p.latest === null ? null : { ...p.latest },
        baseline: p.baseline === null ? null : { ...p.baseline },
        expected: p.progress.expected,
        gap: p.progress.gap,
        status: p.progress.status,
        reason: p.progress.reason,
      })),
    };
  });
};
