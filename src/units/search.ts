import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import type { UnitLevel } from '../warehouse/schema.js';
import { cleanName, foldDiacritics, normaliseName, type NameKeys } from './names.js';
import { linkedOn, relatedProvinceIds, unitRows, unitsByCode, unitsByName, type UnitVersion } from './unit-query.js';

/**
 * Searching units by code or by name in any spelling: with or without diacritics and prefix ("tp Can Tho",
 * "Thành phố Cần Thơ"), by alias ("TP.HCM") or English name, and by legacy names: asked on a date, a name (or
 * code) that was another unit's at other dates leads to the versions valid that day it became (or came from),
 * through the succession table. Unlike `resolveUnit`, which insists on one answer, this lists every candidate.
 */

/** How a unit was found: its code or name (exact key, ascii key, alias), or a legacy version's that it succeeded. */
export type SearchMatch = 'code' | 'exact' | 'ascii' | 'alias' | 'successor' | 'predecessor';

export interface UnitHit {
  readonly unit: UnitVersion;
  readonly matchedBy: SearchMatch;
  /** For successor / predecessor matches: the version whose name or code matched. */
  readonly via: UnitVersion | null;
}

export interface UnitSearch {
  readonly text: string;
  /** Only versions valid on this day (legacy names followed to them); null: versions of any date. */
  readonly asOf: string | null;
  readonly level: UnitLevel | null;
  /** Only this province and the units in it (any version of it, across the reform when asOf is null). */
  readonly withinProvinceId: number | null;
}

const communePrefixes = new Set(['xa', 'phuong', 'thi tran', 'dac khu']);

function communePrefix(name: string): string | null {
  const prefix = normaliseName(name).prefix;
  const folded = prefix === null ? null : foldDiacritics(prefix);
  return folded !== null && communePrefixes.has(folded) ? folded : null;
}

const validOn = (u: UnitVersion, day: string) => (u.validFrom === null || u.validFrom <= day) && (u.validTo === null || day <= u.validTo);

const rank: Record<SearchMatch, number> = { code: 0, exact: 1, alias: 2, ascii: 3, successor: 4, predecessor: 5 };

/** Name hits of any date, best match per unit: the exact key before the ascii one, official names before aliases. */
async function nameHits(db: Db, text: string, level: UnitLevel | null): Promise<{ unit: UnitVersion; matchedBy: SearchMatch }[]> {
  const name = normaliseName(text);
  if (name.exactKey === '') return [];
  const hinted = level ?? (name.levelHint === 'province' || name.levelHint === 'commune' ? name.levelHint : null);
  const attempts: { keys: NameKeys; level: UnitLevel | null; prefix: string | null }[] = [];
  // A district prefix names no unit here: only the unprefixed reading remains ("Thị xã" could be part of a name).
  if (name.levelHint !== 'district' || level !== null) attempts.push({ keys: name, level: hinted, prefix: communePrefix(text) });
  if (name.unprefixed.exactKey !== name.exactKey) attempts.push({ keys: name.unprefixed, level, prefix: null });
  const best = new Map<number, { unit: UnitVersion; matchedBy: SearchMatch }>();
  for (const { keys, level: l, prefix } of attempts) {
    for (const h of await unitsByName(db, keys.exactKey, keys.asciiKey, { asOf: null, level: l })) {
      // "Phường Hồng Hà" is another unit than "Xã Hồng Hà": a commune prefix given must be the commune's own.
      if (prefix !== null && h.unit.level === 'commune' && communePrefix(h.unit.name) !== prefix) continue;
      const matchedBy: SearchMatch = h.origin === 'alias' ? 'alias' : h.exactKey === keys.exactKey ? 'exact' : 'ascii';
      const seen = best.get(h.unit.id);
      if (!seen || rank[matchedBy] < rank[seen.matchedBy]) best.set(h.unit.id, { unit: h.unit, matchedBy });
    }
  }
  return [...best.values()];
}

/**
 * Every unit the text can mean, best match first, then by code and validity. On a date, the versions valid that day
 * that the text names; only when there are none, the versions valid that day its other versions became or came from.
 */
export async function searchUnits(db: Db, search: UnitSearch): Promise<UnitHit[]> {
  const text = cleanName(search.text);
  const direct = /^[0-9]+$/.test(text)
    ? (await unitsByCode(db, text, { asOf: null, level: search.level })).map((unit) => ({ unit, matchedBy: 'code' as const }))
    : await nameHits(db, text, search.level);
  const related = search.withinProvinceId === null ? null : await relatedProvinceIds(db, search.withinProvinceId);
  const inside = (u: UnitVersion) => related === null || related.has(u.id) || (u.parentId !== null && related.has(u.parentId));

  const found = new Map<number, UnitHit>();
  const add = (hit: UnitHit) => {
    const seen = found.get(hit.unit.id);
    if (!seen || rank[hit.matchedBy] < rank[seen.matchedBy]) found.set(hit.unit.id, hit);
  };
  const asOf = search.asOf;
  const current = direct.filter((d) => asOf === null || validOn(d.unit, asOf));
  for (const { unit, matchedBy } of current) if (inside(unit)) add({ unit, matchedBy, via: null });
  // Only when nothing the text names is valid on asOf: what its versions of other dates became (or came from).
  if (asOf === null || found.size > 0) return sorted(found);
  for (const { unit } of direct.filter((d) => !validOn(d.unit, asOf))) {
    const direction = unit.validTo !== null && unit.validTo < asOf ? 'forward' : 'backward';
    for (const link of await linkedOn(db, unit.id, asOf, direction)) {
      if (search.level !== null && link.unit.level !== search.level) continue;
      if (inside(link.unit)) add({ unit: link.unit, matchedBy: direction === 'forward' ? 'successor' : 'predecessor', via: unit });
    }
  }
  return sorted(found);
}

function sorted(found: ReadonlyMap<number, UnitHit>): UnitHit[] {
  return [...found.values()].sort(
    (a, b) => rank[a.matchedBy] - rank[b.matchedBy] || a.unit.code.localeCompare(b.unit.code) || (a.unit.validFrom ?? '').localeCompare(b.unit.validFrom ?? ''),
  );
}

/** A unit version as the API shows it. */
export interface UnitRecord {
  readonly id: number;
  readonly code: string;
  readonly level: UnitLevel;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly parent: { readonly id: number; readonly code: string; readonly name: string } | null;
  /** Legacy communes only: the district they lay in (districts were abolished on 2025-07-01). */
  readonly districtName: string | null;
}

type UnitRow = Awaited<ReturnType<ReturnType<typeof unitRows>['execute']>>[number];

function toRecord(r: UnitRow): UnitRecord {
  return {
    id: r.id, code: r.code, level: r.level, name: r.name, nameEn: r.name_en, kind: r.kind, validFrom: r.valid_from, validTo: r.valid_to,
    parent: r.parent_id === null || r.parent_code === null || r.parent_name === null ? null : { id: r.parent_id, code: r.parent_code, name: r.parent_name },
    districtName: r.district_name,
  };
}

/** Full records of unit versions by id. */
export async function unitRecords(db: Db, ids: readonly number[]): Promise<Map<number, UnitRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await unitRows(db).where('u.id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, toRecord(r)]));
}

export interface UnitListFilter {
  readonly asOf: string | null;
  readonly level: UnitLevel | null;
  /** Only these province versions and the units whose parent is one of them. */
  readonly withinProvinceIds: readonly number[] | null;
}

/** A page of units in (code, id) order after `after`. */
export async function listUnits(db: Db, filter: UnitListFilter, after: { code: string; id: number } | null, limit: number): Promise<UnitRecord[]> {
  let q = unitRows(db);
  if (filter.asOf !== null) q = q.where(sql<boolean>`u.validity @> ${filter.asOf}::date`);
  if (filter.level !== null) q = q.where('u.level', '=', filter.level);
  const within = filter.withinProvinceIds;
  if (within !== null) q = q.where((eb) => eb.or([eb('u.parent_id', 'in', [...within]), eb('u.id', 'in', [...within])]));
  if (after !== null) q = q.where(sql<boolean>`(u.code, u.id) > (${after.code}, ${after.id}::bigint)`);
  return (await q.orderBy('u.code').orderBy('u.id').limit(limit).execute()).map(toRecord);
}

/** A succession link seen from one unit: the unit on the other side, when and whether the legacy unit was divided. */
export interface SuccessionLink {
  readonly unit: { readonly id: number; readonly code: string; readonly level: UnitLevel; readonly name: string; readonly validFrom: string | null; readonly validTo: string | null };
  readonly effectiveFrom: string;
  readonly divided: boolean;
}

export interface Successions {
  readonly predecessors: SuccessionLink[];
  readonly successors: SuccessionLink[];
}

/** The direct predecessors and successors of each unit, in one query. */
export async function successionsOf(db: Db, ids: readonly number[]): Promise<Map<number, Successions>> {
  const out = new Map<number, Successions>(ids.map((id) => [id, { predecessors: [], successors: [] }]));
  if (ids.length === 0) return out;
  const r = await sql<{
    self: number; side: 'predecessor' | 'successor'; effective_from: string; divided: boolean;
    id: number; code: string; level: UnitLevel; name: string; valid_from: string | null; valid_to: string | null;
  }>`
    select s.successor_id as self, 'predecessor' as side, s.effective_from, s.divided, u.id, u.code, u.level, u.name, u.valid_from, u.valid_to
    from admin_unit_succession s join admin_unit u on u.id = s.predecessor_id
    where s.successor_id = any(${ids}::bigint[])
    union all
    select s.predecessor_id, 'successor', s.effective_from, s.divided, u.id, u.code, u.level, u.name, u.valid_from, u.valid_to
    from admin_unit_succession s join admin_unit u on u.id = s.successor_id
    where s.predecessor_id = any(${ids}::bigint[])
    order by 1, 2, 6, 5`.execute(db);
  for (const row of r.rows) {
    const link: SuccessionLink = {
      unit: { id: row.id, code: row.code, level: row.level, name: row.name, validFrom: row.valid_from, validTo: row.valid_to },
      effectiveFrom: row.effective_from,
      divided: row.divided,
    };
    const entry = out.get(row.self);
    if (!entry) continue;
    if (row.side === 'predecessor') entry.predecessors.push(link);
    else entry.successors.push(link);
  }
  return out;
}
