import type { Db } from '../warehouse/database.js';
import { UnitCatalogue } from './unit-catalogue.js';

/**
 * Every unit version of the warehouse with its names and successions, in memory: what the engine resolves places
 * with during a sync (a few tens of thousands of rows with communes; one read per run instead of a query per name).
 */
export async function databaseCatalogue(db: Db): Promise<UnitCatalogue> {
  const [units, names, links] = await Promise.all([
    db.selectFrom('admin_unit').select(['id', 'code', 'level', 'name', 'valid_from', 'valid_to', 'parent_id', 'district_name']).execute(),
    db.selectFrom('admin_unit_name').select(['unit_id', 'exact_key', 'ascii_key', 'origin']).execute(),
    db.selectFrom('admin_unit_succession').select(['predecessor_id', 'successor_id', 'divided']).execute(),
  ]);
  return new UnitCatalogue(
    units.map((u) => ({ id: u.id, code: u.code, level: u.level, name: u.name, validFrom: u.valid_from, validTo: u.valid_to, parentId: u.parent_id, districtName: u.district_name })),
    names.map((n) => ({ unitId: n.unit_id, exactKey: n.exact_key, asciiKey: n.ascii_key, origin: n.origin })),
    links.map((l) => ({ predecessorId: l.predecessor_id, successorId: l.successor_id, divided: l.divided })),
  );
}
