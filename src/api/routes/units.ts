import { z } from 'zod';
import { addDays, today } from '../../dates.js';
import { requireUnit } from '../../units/resolve.js';
import { listUnits, searchUnits, successionsOf, unitRecords, type SuccessionLink, type UnitHit, type UnitRecord } from '../../units/search.js';
import { relatedProvinceIds } from '../../units/unit-query.js';
import { problemResponses } from '../problem.js';
import { cursorParam, dateParam, decodeCursor, encodeCursor, levelParam, limitParam, security, unitRefSchema } from '../schemas.js';
import type { ApiRoutes } from './index.js';

const successionSchema = z
  .object({
    unit: unitRefSchema,
    effectiveFrom: z.string().describe('The first day the successor existed'),
    divided: z.boolean().describe('The legacy unit was divided among several successors: its values roll up at province level only'),
  })
  .meta({ id: 'UnitSuccession' });

const unitSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    level: levelParam,
    name: z.string(),
    nameEn: z.string().nullable(),
    kind: z.string().nullable().describe('Tỉnh, Thành phố, Xã, Phường, Đặc khu, Thị trấn'),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
    parent: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
    districtName: z.string().nullable().describe('Legacy communes only: their district (districts were abolished on 2025-07-01)'),
    match: z
      .object({
        by: z.enum(['code', 'exact', 'ascii', 'alias', 'successor', 'predecessor']).describe(
          'code; exact (name with its diacritics); ascii (without diacritics); alias (abbreviation, legacy or English name); successor / predecessor: `via` matched, and this unit is what it became (or came from) on asOf',
        ),
        via: unitRefSchema.nullable(),
      })
      .nullable()
      .describe('How `q` found this unit; null when listing'),
    resolution: z
      .enum(['direct', 'succession'])
      .nullable()
      .describe('As the resolver reads `q` on asOf: direct (the text names this unit), succession (it names a unit merged into this one before asOf; see `succession`); null when listing or when found as a predecessor'),
    succession: z
      .object({
        named: unitRefSchema.describe('The unit `q` named'),
        mergedOn: z.string().describe('The first day the named unit no longer existed: from then on its name means this one'),
      })
      .nullable()
      .describe('For resolution "succession": the unit named and when it merged'),
    predecessors: z.array(successionSchema).describe('The legacy units that went into this one'),
    successors: z.array(successionSchema).describe('The units this one went into'),
  })
  .meta({ id: 'Unit' });

type UnitBody = z.infer<typeof unitSchema>;

const querySchema = z.object({
  q: z.string().min(1).max(200).optional().describe('A code (91, 00004) or a name in any spelling: with or without diacritics and prefix ("tp Can Tho"), an abbreviation ("TP.HCM"), an English or a legacy name'),
  asOf: dateParam.optional().describe('Only versions valid on this day (a legacy name leads to what it became); default: versions of any date'),
  level: levelParam.optional(),
  within: z.string().min(1).max(200).optional().describe('Only this province (code or name, as of asOf or today) and its communes'),
  limit: limitParam,
  cursor: cursorParam.optional(),
});

const ref = (u: SuccessionLink['unit']) => ({ id: u.id, code: u.code, level: u.level, name: u.name, validFrom: u.validFrom, validTo: u.validTo });

/** How the one resolver reads the text: a successor match is a succession (the named unit merged before asOf). */
function resolutionOf(hit: UnitHit): Pick<UnitBody, 'resolution' | 'succession'> {
  if (hit.matchedBy === 'predecessor') return { resolution: null, succession: null };
  if (hit.matchedBy !== 'successor' || hit.via === null) return { resolution: 'direct', succession: null };
  const named = hit.via;
  // A successor match is only made for a version that ended before asOf, so validTo is set.
  const mergedOn = named.validTo === null ? (hit.unit.validFrom ?? '') : addDays(named.validTo, 1);
  return { resolution: 'succession', succession: { named: ref(named), mergedOn } };
}

type Position = { kind: 'search'; offset: number } | { kind: 'list'; code: string; id: number };

function checkPosition(value: unknown): Position | null {
  if (!Array.isArray(value)) return null;
  const [kind, a, b] = value as unknown[];
  if (kind === 's' && typeof a === 'number' && Number.isInteger(a) && a >= 0) return { kind: 'search', offset: a };
  if (kind === 'l' && typeof a === 'string' && typeof b === 'number' && Number.isInteger(b)) return { kind: 'list', code: a, id: b };
  return null;
}

/** `GET /v1/units`: administrative units by name in any spelling or code, on a date, with their successions. */
export const unitRoutes: ApiRoutes = async (app, { deps }) => {
  const { db } = deps;
  app.get('/v1/units', {
    config: { scope: 'read' },
    schema: {
      tags: ['warehouse'],
      summary: 'Administrative units: search by code or name in any spelling, on a date, by level; each with its legacy successions',
      description: 'Without `q`, lists units in code order, a page at a time. With `q`, lists every unit the text can mean (never guessing one): direct matches first, then, when `asOf` is given, the units valid that day that a legacy name or code became.',
      security,
      querystring: querySchema,
      response: { 200: z.object({ items: z.array(unitSchema), next: z.string().nullable() }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { q, asOf, level, within, limit, cursor } = request.query;
    const position = cursor === undefined ? null : decodeCursor(cursor, checkPosition);
    const province = within === undefined ? null : await requireUnit(db, within, { asOf: asOf ?? today(), level: 'province' });

    let records: UnitRecord[];
    let matches = new Map<number, UnitBody['match']>();
    let resolutions = new Map<number, Pick<UnitBody, 'resolution' | 'succession'>>();
    let next: string | null = null;
    if (q !== undefined) {
      const hits = await searchUnits(db, { text: q, asOf: asOf ?? null, level: level ?? null, withinProvinceId: province?.id ?? null });
      const offset = position?.kind === 'search' ? position.offset : 0;
      const page = hits.slice(offset, offset + limit);
      if (hits.length > offset + limit) next = encodeCursor(['s', offset + limit]);
      const byId = await unitRecords(db, page.map((h) => h.unit.id));
      records = page.flatMap((h) => byId.get(h.unit.id) ?? []);
      matches = new Map(page.map((h) => [h.unit.id, { by: h.matchedBy, via: h.via === null ? null : ref(h.via) }]));
      resolutions = new Map(page.map((h) => [h.unit.id, resolutionOf(h)]));
    } else {
      const after = position?.kind === 'list' ? { code: position.code, id: position.id } : null;
      const provinces = province === null ? null : asOf !== undefined ? [province.id] : [...(await relatedProvinceIds(db, province.id))];
      const page = await listUnits(db, { asOf: asOf ?? null, level: level ?? null, withinProvinceIds: provinces }, after, limit + 1);
      records = page.slice(0, limit);
      const last = records.at(-1);
      if (page.length > limit && last) next = encodeCursor(['l', last.code, last.id]);
    }
    const links = await successionsOf(db, records.map((r) => r.id));
    return {
      items: records.map((r): UnitBody => ({
        ...r,
        match: matches.get(r.id) ?? null,
        ...(resolutions.get(r.id) ?? { resolution: null, succession: null }),
        predecessors: (links.get(r.id)?.predecessors ?? []).map((l) => ({ ...l, unit: ref(l.unit) })),
        successors: (links.get(r.id)?.successors ?? []).map((l) => ({ ...l, unit: ref(l.unit) })),
      })),
      next,
    };
  });
};
