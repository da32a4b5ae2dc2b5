import { z } from 'zod';
import { today } from '../../dates.js';
import { NotFoundError } from '../../errors.js';
import { endsOn, parsePeriod, startsOn } from '../../periods/period.js';
import { requireUnit, unitLabel } from '../../units/resolve.js';
import { computedHistory } from '../../warehouse/computed-history.js';
import { knownAtSchema } from '../../warehouse/known-at.js';
import { observationHistory, type RevisionRun } from '../../warehouse/observation-history.js';
import {
  orderOf, periodCodesWithin, readValuePage, valueKinds, type PagePosition, type ValueFilter, type ValueItem,
} from '../../warehouse/observation-pages.js';
import { observationStatuses, type PeriodKind } from '../../warehouse/schema.js';
import { problemResponses } from '../problem.js';
import {
  badQuery, cursorParam, dateParam, decodeCursor, encodeCursor, indicatorCodeParam, limitParam, periodParam, security, unitRefSchema,
} from '../schemas.js';
import { requireIndicator } from './indicators.js';
import type { ApiRoutes } from './index.js';

const periodTypes = ['year', 'quarter', 'month'] as const satisfies readonly PeriodKind[];

const valueSchema = z
  .object({
    kind: z.enum(valueKinds).describe('observed: reported by a source for exactly this unit and period (table observation); computed: rolled up from communes, months or legacy units, or derived, by the catalogue\'s rules (table indicator_value, province level)'),
    indicator: z.string(),
    unit: unitRefSchema,
    period: z.string(),
    periodType: z.enum(periodTypes),
    value: z.string().describe('Exact decimal text'),
    measureUnit: z.string(),
    status: z.enum(observationStatuses).nullable().describe('Observed values: final, provisional or estimated; null for computed values'),
    connectionId: z.string().nullable().describe('Observed values: the connection that last changed the value'),
    runId: z.number().int().nullable().describe('The sync run that last changed (observed) or recomputed (computed) the value'),
    updatedAt: z.string().describe('When the value last changed (observed) or was last computed (computed)'),
    notes: z.array(z.string()).describe('Computed values: how the value was formed (fallbacks, partial coverage, exclusions)'),
    unitsViaSuccession: z.boolean().nullable().describe('Observed values: true when the source named a unit merged before the record\'s date ("Kiên Giang" in September 2025), loaded into its successor; null for computed values'),
  })
  .meta({ id: 'WarehouseValue' });

const querySchema = z.object({
  indicator: indicatorCodeParam.optional().describe('An indicator code (GET /v1/indicators)'),
  unit: z.string().min(1).max(200).optional().describe('A unit code or name, resolved as `lgsp query --unit` does: the one unit version valid on asOf'),
  asOf: dateParam.optional().describe('The day that picks the unit version `unit` names (91 is Kiên Giang before 2025-07-01, An Giang after); default today. Says which unit is meant, not when the values were known: for that, knownAt'),
  knownAt: knownAtSchema
    .optional()
    .describe('The values as the warehouse held them at this instant, observed and computed, read from their revisions (a value revised since shows its old value; one removed since is there; one added since is not); default now. By transaction start time: a change is known from the start (now()) of the transaction that wrote it. Pages are then in indicator, unit, period order. Not asOf, which picks the unit version a name means'),
  level: z.enum(['province', 'commune']).optional().describe('Resolve `unit` among units of this level only'),
  period: periodParam.optional().describe('Exactly this period; with periodType, the periods of that type within it'),
  from: periodParam.optional().describe('Periods starting on or after the first day of this one'),
  to: periodParam.optional().describe('Periods ending on or before the last day of this one'),
  periodType: z.enum(periodTypes).optional(),
  kind: z.enum(valueKinds).optional().describe('Only observed or only computed values; default both'),
  limit: limitParam,
  cursor: cursorParam.optional(),
});

type Query = z.infer<typeof querySchema>;

const kindCode = { observed: 'o', computed: 'c' } as const;

const orderCode = { indicator: 'i', period: 'p' } as const;

function checkPosition(value: unknown): PagePosition | null {
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [order, indicator, unitId, period, kind] = value as unknown[];
  if (order !== 'i' && order !== 'p') return null;
  if (typeof indicator !== 'string' || typeof unitId !== 'number' || !Number.isSafeInteger(unitId) || typeof period !== 'string') return null;
  if (kind !== 'o' && kind !== 'c') return null;
  return { order: order === 'i' ? 'indicator' : 'period', indicator, unitId, period, kind: kind === 'o' ? 'observed' : 'computed' };
}

/** The period codes a query asks for; null for every period. */
async function periodsOf(deps: Parameters<ApiRoutes>[1]['deps'], query: Query): Promise<string[] | null> {
  const { period, from, to, periodType } = query;
  if (period !== undefined && (from !== undefined || to !== undefined)) {
    throw badQuery(from !== undefined ? 'from' : 'to', 'give either period, or from and/or to, not both');
  }
  if (period !== undefined) {
    const p = parsePeriod(period);
    if (periodType === undefined || periodType === p.kind) return [p.code];
    return periodCodesWithin(deps.db, { startsOn: startsOn(p), endsOn: endsOn(p), kinds: [periodType] });
  }
  const start = from === undefined ? null : startsOn(parsePeriod(from));
  const end = to === undefined ? null : endsOn(parsePeriod(to));
  if (start !== null && end !== null && start > end) throw badQuery('to', `${to ?? ''} ends before ${from ?? ''} starts`);
  if (start === null && end === null && periodType === undefined) return null;
  return periodCodesWithin(deps.db, { startsOn: start, endsOn: end, kinds: periodType === undefined ? null : [periodType] });
}

const iso = (d: Date) => d.toISOString();

const runBody = (run: RevisionRun | null) => run && { ...run, startedAt: run.startedAt && iso(run.startedAt) };

function toBody(item: ValueItem): z.infer<typeof valueSchema> {
  return { ...item, unit: { ...item.unit }, notes: [...item.notes], updatedAt: iso(item.updatedAt) };
}

const runSchema = z
  .object({ id: z.number().int(), mode: z.string().nullable(), status: z.string().nullable(), startedAt: z.string().nullable() })
  .nullable();

const revisionSchema = z
  .object({
    id: z.number().int(),
    change: z.enum(['insert', 'update', 'remove']),
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    oldStatus: z.enum(observationStatuses).nullable(),
    newStatus: z.enum(observationStatuses).nullable(),
    connection: z.object({ id: z.string(), name: z.string().nullable(), connectorId: z.string().nullable() }).nullable().describe('Null when the connection was removed with its history kept'),
    run: runSchema,
    rawRecordIds: z.array(z.number().int()).nullable().describe('The landed source records behind the change: the new value\'s, or on a remove the removed value\'s; null on revisions written before this was recorded'),
    changedAt: z.string().describe('The start of the transaction that wrote the change (what knownAt compares with)'),
  })
  .meta({ id: 'ObservationRevision' });

const computedRevisionSchema = z
  .object({
    id: z.number().int(),
    change: z.enum(['insert', 'update', 'remove']),
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    notes: z.array(z.string()).describe('How the new value was formed; empty on a remove'),
    run: runSchema.describe('The run whose refresh recomputed the value; null when it ran outside a run or its connection was removed'),
    changedAt: z.string(),
  })
  .meta({ id: 'ComputedRevision' });

const historySchema = z
  .object({
    indicator: z.string(),
    unit: unitRefSchema,
    period: z.string(),
    current: z
      .object({
        value: z.string(),
        status: z.enum(observationStatuses),
        measureUnit: z.string(),
        connectionId: z.string().nullable(),
        runId: z.number().int().nullable(),
        rawRecordIds: z.array(z.number().int()).describe('The landed source records behind the value'),
        unitsViaSuccession: z.boolean().describe('true when a source record behind the value named a unit merged before its date, resolved to this successor'),
        createdAt: z.string(),
        updatedAt: z.string(),
      })
      .nullable()
      .describe('The observation now; null when it was removed (its history remains)'),
    revisions: z.array(revisionSchema).describe('Every change of the observed value, oldest first'),
    computed: z
      .object({
        current: z.object({ value: z.string(), notes: z.array(z.string()), runId: z.number().int().nullable(), computedAt: z.string() }).nullable(),
        revisions: z.array(computedRevisionSchema).describe('Every change, oldest first'),
      })
      .describe('The computed value at this key (province level: rollups, ratios, growth) and its history'),
  })
  .meta({ id: 'ObservationHistory' });

/** `GET /v1/observations` (observed and computed values, keyset-paged) and an observation's revision history. */
export const observationRoutes: ApiRoutes = async (app, { deps }) => {
  const { db } = deps;
  app.get('/v1/observations', {
    config: { scope: 'read' },
    schema: {
      tags: ['warehouse'],
      summary: 'Values of the warehouse: source observations and the computed rollups and derived values',
      description:
        'Ordered by indicator, unit version and period; when periods are filtered (period, from/to, periodType) without a unit, by period, indicator and unit version. '
        + 'At one key the observed value comes before the computed one. '
        + 'Keyset-paged: pass `next` back as `cursor` until it is null. A province reporting a value itself has both an observed and a computed item at that key; '
        + 'the computed one also counts its communes and legacy predecessors (sums) and is the one to compare across the 2025 reform. '
        + 'Two dates, kept apart: `asOf` (a day) picks which unit version `unit` means; `knownAt` (an instant) returns the values as the warehouse held them then, '
        + 'read from the revisions of observed and computed values (by the start time of the transaction that wrote each change).',
      security,
      querystring: querySchema,
      response: { 200: z.object({ items: z.array(valueSchema), next: z.string().nullable() }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const query = request.query;
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, checkPosition);
    const [indicator, unit, periods] = await Promise.all([
      query.indicator === undefined ? null : requireIndicator(db, query.indicator),
      query.unit === undefined ? null : requireUnit(db, query.unit, { asOf: query.asOf ?? today(), ...(query.level ? { level: query.level } : {}) }),
      periodsOf(deps, query),
    ]);
    const filter: ValueFilter = { indicator: indicator?.code ?? null, unitId: unit?.id ?? null, periods, kind: query.kind ?? null, knownAt: query.knownAt ?? null };
    if (after !== null && after.order !== orderOf(filter)) throw badQuery('cursor', 'the cursor belongs to a query with other filters: keep the filters of the first page while paging');
    const page = await readValuePage(db, filter, after, query.limit);
    const n = page.next;
    const next = n === null ? null : encodeCursor([orderCode[n.order], n.indicator, n.unitId, n.period, kindCode[n.kind]]);
    return { items: page.items.map(toBody), next };
  });

  app.get('/v1/observations/:indicator/:unit/:period/revisions', {
    config: { scope: 'read' },
    schema: {
      tags: ['warehouse'],
      summary: 'The history of one key: every change of its observed value (connection, run, source records, time, old and new value and status) and of its computed value (run, time, old and new value)',
      security,
      params: z.object({
        indicator: indicatorCodeParam,
        unit: z.string().min(1).max(200).describe('A unit code or name (URL-encoded)'),
        period: periodParam,
      }),
      querystring: z.object({
        asOf: dateParam.optional().describe('The day that picks the unit version; default the last day of the period (the unit as it was then)'),
        level: z.enum(['province', 'commune']).optional(),
      }),
      response: { 200: historySchema, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { params, query } = request;
    const period = parsePeriod(params.period);
    const [indicator, unit] = await Promise.all([
      requireIndicator(db, params.indicator),
      requireUnit(db, params.unit, { asOf: query.asOf ?? endsOn(period), ...(query.level ? { level: query.level } : {}) }),
    ]);
    const key = { indicator: indicator.code, unitId: unit.id, period: period.code };
    const [history, computed] = await Promise.all([observationHistory(db, key), computedHistory(db, key)]);
    if (history.current === null && history.revisions.length === 0 && computed.current === null && computed.revisions.length === 0) {
      throw new NotFoundError(
        'Observation',
        `${indicator.code}/${unit.code}/${period.code}`,
        `No value of ${indicator.code} for ${unitLabel(unit)} in ${period.code} was ever reported or computed. GET /v1/observations?indicator=${indicator.code}&unit=${unit.code} lists what is there.`,
      );
    }
    const c = history.current;
    return {
      indicator: indicator.code,
      unit: { id: unit.id, code: unit.code, level: unit.level, name: unit.name, validFrom: unit.validFrom, validTo: unit.validTo },
      period: period.code,
      current: c === null ? null : { ...c, rawRecordIds: [...c.rawRecordIds], createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) },
      revisions: history.revisions.map((r) => ({ ...r, run: runBody(r.run), rawRecordIds: r.rawRecordIds && [...r.rawRecordIds], changedAt: iso(r.changedAt) })),
      computed: {
        current: computed.current && { ...computed.current, notes: [...computed.current.notes], computedAt: iso(computed.current.computedAt) },
        revisions: computed.revisions.map((r) => ({ ...r, notes: [...r.notes], run: runBody(r.run), changedAt: iso(r.changedAt) })),
      },
    };
  });
};
