import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { Db } from '../../warehouse/database.js';
import { aggregationRules, type Indicator } from '../../warehouse/schema.js';
import { problemResponses } from '../problem.js';
import { indicatorCodeParam, security } from '../schemas.js';
import type { ApiRoutes } from './index.js';

const derivationSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('ratio'),
      numerator: z.array(z.string()),
      denominator: z.array(z.string()),
      factor: z.string().describe('Exact decimal text'),
    }).describe('factor × sum(numerator) / sum(denominator), recomputed from the aggregated inputs, never averaged'),
    z.object({ kind: z.literal('growth'), of: z.string(), factor: z.string() }).describe('factor × (this year / last year − 1), years only'),
  ])
  .nullable()
  .meta({ id: 'IndicatorDerivation' });

const indicatorSchema = z
  .object({
    code: z.string().describe('Stable identifier, used by the API, the CLI and the events'),
    name: z.object({ vi: z.string(), en: z.string() }),
    measureUnit: z.string(),
    decimals: z.number().int().describe('Places text (CLI tables, progress reasons) rounds values to: 0 for counts, 2 for percentages; JSON values stay exact'),
    direction: z.enum(['higher_is_better', 'lower_is_better']),
    aggregation: z.object({
      units: z.enum(aggregationRules).describe('How values of several units combine (communes → province, legacy → successor)'),
      periods: z.enum(aggregationRules).describe('How values combine in time (months → quarter → year)'),
      weight: z.string().nullable().describe('The weight indicator of a weighted mean'),
    }),
    derivation: derivationSchema,
    description: z.string().nullable(),
  })
  .meta({ id: 'Indicator' });

type IndicatorBody = z.infer<typeof indicatorSchema>;

function toBody(i: Indicator): IndicatorBody {
  const derivation: IndicatorBody['derivation'] =
    i.derivation === 'ratio'
      ? { kind: 'ratio', numerator: i.numerator ?? [], denominator: i.denominator ?? [], factor: i.factor ?? '1' }
      : i.derivation === 'growth'
        ? { kind: 'growth', of: i.numerator?.[0] ?? '', factor: i.factor ?? '1' }
        : null;
  return {
    code: i.code,
    name: { vi: i.name_vi, en: i.name_en },
    measureUnit: i.measure_unit,
    decimals: i.decimals,
    direction: i.direction,
    aggregation: { units: i.unit_aggregation, periods: i.period_aggregation, weight: i.weight_indicator },
    derivation,
    description: i.description,
  };
}

/** The indicator, or NotFoundError (404) naming where the codes are listed. */
export async function requireIndicator(db: Db, code: string): Promise<Indicator> {
  const found = await db.selectFrom('indicator').selectAll().where('code', '=', code).executeTakeFirst();
  if (!found) throw new NotFoundError('Indicator', code, 'GET /v1/indicators lists the codes.');
  return found;
}

/** `GET /v1/indicators`, `GET /v1/indicators/{code}`: the catalogue. */
export const indicatorRoutes: ApiRoutes = async (app, { deps }) => {
  app.get('/v1/indicators', {
    config: { scope: 'read' },
    schema: {
      tags: ['warehouse'], summary: 'The indicator catalogue: names, unit of measure, direction, aggregation rules, derivation', security,
      querystring: z.object({ derived: z.enum(['true', 'false']).optional().describe('Only derived (true) or only reported (false) indicators') }),
      response: { 200: z.object({ items: z.array(indicatorSchema) }), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    let q = deps.db.selectFrom('indicator').selectAll();
    if (request.query.derived !== undefined) q = q.where('derivation', request.query.derived === 'true' ? 'is not' : 'is', null);
    return { items: (await q.orderBy('code').execute()).map(toBody) };
  });
  app.get('/v1/indicators/:code', {
    config: { scope: 'read' },
    schema: {
      tags: ['warehouse'], summary: 'One indicator of the catalogue', security,
      params: z.object({ code: indicatorCodeParam }),
      response: { 200: indicatorSchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => toBody(await requireIndicator(deps.db, request.params.code)));
};
