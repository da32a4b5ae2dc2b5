import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import type { AdminUnitNameTable, UnitLevel } from '../warehouse/schema.js';

/** One version of an administrative unit, as resolution returns it. */
export interface ResolvedUnit {
  readonly id: number;
  readonly code: string;
  readonly level: UnitLevel;
  readonly name: string;
  /** Xã, Phường, Đặc khu, Thị trấn; Tỉnh, Thành phố. */
  readonly kind: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly parentCode: string | null;
  readonly parentName: string | null;
  /** Legacy communes only: communes repeat names across districts of one province. */
  readonly districtName: string | null;
}

export interface UnitVersion extends ResolvedUnit {
  readonly parentId: number | null;
}

export interface NameHit {
  readonly unit: UnitVersion;
  readonly exactKey: string;
  readonly origin: AdminUnitNameTable['origin'];
}

/** Unit versions (alias `u`) with their parent's code and name: the base of every unit lookup. */
export function unitRows(db: Db) {
  return db
    .selectFrom('admin_unit as u')
    .leftJoin('admin_unit as p', 'p.id', 'u.parent_id')
    .select([
      'u.id', 'u.code', 'u.level', 'u.name', 'u.name_en', 'u.kind', 'u.valid_from', 'u.valid_to', 'u.parent_id', 'u.district_name',
      'p.code as parent_code', 'p.name as parent_name',
    ]);
}

type UnitRecord = Awaited<ReturnType<ReturnType<typeof unitRows>['execute']>>[number];

function toVersion(r: UnitRecord): UnitVersion {
  return {
    id: r.id, code: r.code, level: r.level, name: r.name, kind: r.kind, validFrom: r.valid_from, validTo: r.valid_to,
    parentId: r.parent_id, parentCode: r.parent_code, parentName: r.parent_name, districtName: r.district_name,
  };
}

/** Strips the internal parent id for callers. */
export function publicUnit(u: UnitVersion): ResolvedUnit {
  return {
    id: u.id, code: u.code, level: u.level, name: u.name, kind: u.kind, validFrom: u.validFrom, validTo: u.validTo,
    parentCode: u.parentCode, parentName: u.parentName, districtName: u.districtName,
  };
}

export const validOn = (date: string) => sql<boolean>`u.validity @> ${date}::date`;

export interface Filter {
  /** Only versions valid on this date; null: any date. */
  readonly asOf: string | null;
  readonly level: UnitLevel | null;
  /** The day stewards' aliases must hold on (default: `asOf`; with neither, any day). */
  readonly aliasDay?: string;
}

export async function unitsByCode(db: Db, code: string, filter: Filter): Promise<UnitVersion[]> {
  let q = unitRows(db).where('u.code', '=', code);
  if (filter.level) q = q.where('u.level', '=', filter.level);
  if (filter.asOf) q = q.where(validOn(filter.asOf));
  return (await q.orderBy('u.valid_from').execute()).map(toVersion);
}

/** Name index hits on either key. */
export async function unitsByName(db: Db, exactKey: string, asciiKey: string, filter: Filter): Promise<NameHit[]> {
  let q = unitRows(db)
    .innerJoin('admin_unit_name as n', 'n.unit_id', 'u.id')
    .select(['n.exact_key', 'n.origin'])
    .where((eb) => eb.or([eb('n.exact_key', '=', exactKey), eb('n.ascii_key', '=', asciiKey)]));
  if (filter.level) q = q.where('u.level', '=', filter.level);
  if (filter.asOf) q = q.where(validOn(filter.asOf));
  const rows = await q.orderBy('u.code').orderBy('u.valid_from').execute();
  const named = rows.map((r): NameHit => ({ unit: toVersion(r), exactKey: r.exact_key, origin: r.origin }));
  return [...named, ...(await stewardAliasHits(db, exactKey, asciiKey, filter))];
}

/**
 * Stewards' aliases (table unit_alias): the versions of the alias's (level, code) valid while the alias is, and on
 * `asOf` when given. An alias is dated: on a day outside its validity it names nothing, not even a legacy unit.
 */
async function stewardAliasHits(db: Db, exactKey: string, asciiKey: string, filter: Filter): Promise<NameHit[]> {
  let q = unitRows(db)
    .innerJoin('unit_alias as a', (j) => j.onRef('a.level', '=', 'u.level').onRef('a.code', '=', 'u.code'))
    .select(['a.exact_key'])
    .where(sql<boolean>`u.validity && a.validity`)
    .where((eb) => eb.or([eb('a.exact_key', '=', exactKey), eb('a.ascii_key', '=', asciiKey)]));
  if (filter.level) q = q.where('u.level', '=', filter.level);
  if (filter.asOf) q = q.where(validOn(filter.asOf));
  const day = filter.aliasDay ?? filter.asOf;
  if (day) q = q.where(sql<boolean>`a.validity @> ${day}::date`);
  const rows = await q.orderBy('u.code').orderBy('u.valid_from').execute();
  return rows.map((r) => ({ unit: toVersion(r), exactKey: r.exact_key, origin: 'alias' }));
}

export interface Link {
  readonly unit: UnitVersion;
  readonly divided: boolean;
}

/**
 * The units valid on `date` that `start` became (direction 'forward') or came from ('backward'), following the
 * succession table through intermediate versions.
 */
export async function linkedOn(db: Db, start: number, date: string, direction: 'forward' | 'backward'): Promise<Link[]> {
  const found = new Map<number, Link>();
  const seen = new Set<number>([start]);
  let frontier = [start];
  for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
    const [from, to] = direction === 'forward' ? (['predecessor_id', 'successor_id'] as const) : (['successor_id', 'predecessor_id'] as const);
    const rows = await unitRows(db)
      .innerJoin('admin_unit_succession as s', `s.${to}`, 'u.id')
      .select(['s.divided', sql<boolean>`u.validity @> ${date}::date`.as('valid')])
      .where(`s.${from}`, 'in', frontier)
      .execute();
    frontier = [];
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      if (r.valid) found.set(r.id, { unit: toVersion(r), divided: r.divided });
      else frontier.push(r.id);
    }
  }
  return [...found.values()].sort((a, b) => a.unit.code.localeCompare(b.unit.code));
}

/** The province itself and the versions it succeeded or that succeeded it: where a unit's parent may be at another date. */
export async function relatedProvinceIds(db: Db, provinceId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('admin_unit_succession')
    .select(['predecessor_id', 'successor_id'])
    .where((eb) => eb.or([eb('predecessor_id', '=', provinceId), eb('successor_id', '=', provinceId)]))
    .execute();
  return new Set([provinceId, ...rows.flatMap((r) => [r.predecessor_id, r.successor_id])]);
}
