import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import { UnitCatalogue, type CatalogueName } from './unit-catalogue.js';

/**
 * Every unit version of the warehouse with its names and successions, in memory: what the engine resolves places
 * with during a sync (a few tens of thousands of rows with communes; one read per run instead of a query per name).
 */
export async function databaseCatalogue(db: Db): Promise<UnitCatalogue> {
  const [units, names, aliases, links] = await Promise.all([
    db.selectFrom('admin_unit').select(['id', 'code', 'level', 'name', 'valid_from', 'valid_to', 'parent_id', 'district_name']).execute(),
    db.selectFrom('admin_unit_name').select(['unit_id', 'exact_key', 'ascii_key', 'origin']).execute(),
    stewardAliasNames(db),
    db.selectFrom('admin_unit_succession').select(['predecessor_id', 'successor_id', 'divided']).execute(),
  ]);
  return new UnitCatalogue(
    units.map((u) => ({ id: u.id, code: u.code, level: u.level, name: u.name, validFrom: u.valid_from, validTo: u.valid_to, parentId: u.parent_id, districtName: u.district_name })),
    [...names.map((n) => ({ unitId: n.unit_id, exactKey: n.exact_key, asciiKey: n.ascii_key, origin: n.origin })), ...aliases],
    links.map((l) => ({ predecessorId: l.predecessor_id, successorId: l.successor_id, divided: l.divided })),
  );
}

/** Stewards' aliases (unit_alias) as names of the unit versions valid while each holds, dated by its validity. */
async function stewardAliasNames(db: Db): Promise<CatalogueName[]> {
  const rows = await db
    .selectFrom('unit_alias as a')
    .innerJoin('admin_unit as u', (j) => j.onRef('u.level', '=', 'a.level').onRef('u.code', '=', 'a.code'))
    .select(['u.id', 'a.exact_key', 'a.ascii_key', 'a.valid_from', 'a.valid_to'])
    .where(sql<boolean>`u.validity && a.validity`)
    .execute();
  return rows.map((r) => ({ unitId: r.id, exactKey: r.exact_key, asciiKey: r.ascii_key, origin: 'alias', during: { from: r.valid_from, to: r.valid_to } }));
}
