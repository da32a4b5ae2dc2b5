import type { Db } from '../../warehouse/database.js';
import type { AdminUnitNameTable } from '../../warehouse/schema.js';
import { upsertRows, type UpsertCounts } from '../../warehouse/upsert.js';
import { nameKeys, normaliseName } from '../../units/names.js';

export type NameOrigin = AdminUnitNameTable['origin'];

export interface UnitName {
  readonly unitId: number;
  readonly name: string;
  readonly origin: NameOrigin;
}

const rank: Record<NameOrigin, number> = { official: 0, english: 1, alias: 2 };

/** Index rows for names, one per (unit, exact key); when two names give one key the official one is kept. */
export function nameRows(names: readonly UnitName[]): AdminUnitNameTable[] {
  const rows = new Map<string, AdminUnitNameTable>();
  for (const n of names) {
    // English names are plain ascii: "Quan Bau Ward" must not lose "Quan" as if it were the prefix Quận.
    const { exactKey, asciiKey } = n.origin === 'english' ? normaliseName(n.name).unprefixed : nameKeys(n.name);
    if (exactKey === '') continue;
    const id = `${n.unitId}|${exactKey}`;
    const seen = rows.get(id);
    if (!seen || rank[n.origin] < rank[seen.origin]) {
      rows.set(id, { unit_id: n.unitId, exact_key: exactKey, ascii_key: asciiKey, origin: n.origin });
    }
  }
  return [...rows.values()];
}

export async function writeNames(db: Db, names: readonly UnitName[]): Promise<UpsertCounts> {
  return upsertRows(db, 'admin_unit_name', nameRows(names), ['unit_id', 'exact_key'], ['ascii_key', 'origin']);
}
