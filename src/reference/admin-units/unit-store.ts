import { sql } from 'kysely';
import type { Db } from '../../warehouse/database.js';
import type { UnitLevel } from '../../warehouse/schema.js';
import { noChanges, type UpsertCounts } from '../../warehouse/upsert.js';

/** One version of a unit as the loaders produce it. Its identity is (level, code, valid_from). */
export interface UnitRow {
  readonly code: string;
  readonly level: UnitLevel;
  readonly name: string;
  readonly name_en: string | null;
  readonly kind: string | null;
  readonly parent_id: number | null;
  readonly district_code: string | null;
  readonly district_name: string | null;
  readonly valid_from: string | null;
  readonly valid_to: string | null;
  readonly source: string;
}

interface StoredUnit extends UnitRow {
  readonly id: number;
}

const compared = ['name', 'name_en', 'kind', 'parent_id', 'district_code', 'district_name', 'valid_to', 'source'] as const;

export interface UnitSync {
  readonly counts: UpsertCounts;
  /** The id of each input row, by index; null where the row was refused (see `overlaps`). */
  readonly ids: (number | null)[];
  /** Rows whose validity overlaps another version of the same code: the database would refuse them. */
  readonly overlaps: { readonly index: number; readonly other: StoredUnit }[];
}

const key = (u: Pick<UnitRow, 'level' | 'code' | 'valid_from'>) => `${u.level}|${u.code}|${u.valid_from ?? ''}`;

function overlap(a: Pick<UnitRow, 'valid_from' | 'valid_to'>, b: Pick<UnitRow, 'valid_from' | 'valid_to'>): boolean {
  return (a.valid_from ?? '') <= (b.valid_to ?? '9999-12-31') && (b.valid_from ?? '') <= (a.valid_to ?? '9999-12-31');
}

/**
 * Inserts new unit versions and updates changed ones, counting both. Not `upsertRows`: `valid_from` is null for
 * versions valid "since before our records", and a unique constraint never sees two nulls as a conflict.
 */
export async function syncUnits(db: Db, rows: readonly UnitRow[], batchSize = 1000): Promise<UnitSync> {
  const levels = [...new Set(rows.map((r) => r.level))];
  const counts = noChanges();
  const ids: (number | null)[] = rows.map(() => null);
  const overlaps: { index: number; other: StoredUnit }[] = [];
  if (levels.length === 0) return { counts, ids, overlaps };

  const existing: StoredUnit[] = await db
    .selectFrom('admin_unit')
    .select(['id', 'code', 'level', 'name', 'name_en', 'kind', 'parent_id', 'district_code', 'district_name', 'valid_from', 'valid_to', 'source'])
    .where('level', 'in', levels)
    .execute();
  const byKey = new Map(existing.map((u) => [key(u), u]));
  const byCode = new Map<string, StoredUnit[]>();
  for (const u of existing) {
    const versions = byCode.get(`${u.level}|${u.code}`);
    if (versions) versions.push(u);
    else byCode.set(`${u.level}|${u.code}`, [u]);
  }

  const inserts: number[] = [];
  const updates: { index: number; id: number }[] = [];
  rows.forEach((row, index) => {
    const found = byKey.get(key(row));
    const others = (byCode.get(`${row.level}|${row.code}`) ?? []).filter((u) => u !== found && overlap(u, row));
    const other = others[0];
    if (other) {
      overlaps.push({ index, other });
      return;
    }
    if (!found) inserts.push(index);
    else if (compared.some((c) => found[c] !== row[c])) updates.push({ index, id: found.id });
    else {
      ids[index] = found.id;
      counts.unchanged++;
    }
  });

  for (let i = 0; i < inserts.length; i += batchSize) {
    const batch = inserts.slice(i, i + batchSize);
    const returned = await db
      .insertInto('admin_unit')
      .values(batch.map((index) => ({ ...(rows[index] as UnitRow) })))
      .returning(['id', 'level', 'code', 'valid_from'])
      .execute();
    const inserted = new Map(returned.map((r) => [key(r), r.id]));
    for (const index of batch) ids[index] = inserted.get(key(rows[index] as UnitRow)) ?? null;
    counts.inserted += returned.length;
  }

  for (let i = 0; i < updates.length; i += batchSize) {
    const batch = updates.slice(i, i + batchSize);
    const values = sql.join(
      batch.map(({ index, id }) => {
        const r = rows[index] as UnitRow;
        return sql`(${id}::bigint, ${r.name}::text, ${r.name_en}::text, ${r.kind}::text, ${r.parent_id}::bigint,
          ${r.district_code}::text, ${r.district_name}::text, ${r.valid_to}::date, ${r.source}::text)`;
      }),
    );
    await sql`update admin_unit as u set name = v.name, name_en = v.name_en, kind = v.kind, parent_id = v.parent_id,
        district_code = v.district_code, district_name = v.district_name, valid_to = v.valid_to, source = v.source
      from (values ${values}) as v (id, name, name_en, kind, parent_id, district_code, district_name, valid_to, source)
      where u.id = v.id`.execute(db);
    for (const { index, id } of batch) ids[index] = id;
    counts.updated += batch.length;
  }
  return { counts, ids, overlaps };
}
