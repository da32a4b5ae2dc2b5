import { sql, type Insertable } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export const noChanges = (): UpsertCounts => ({ inserted: 0, updated: 0, unchanged: 0 });

export function addCounts(a: UpsertCounts, b: UpsertCounts): UpsertCounts {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

/**
 * Multi-row insert that updates a conflicting row only where a column actually differs, so loading the
 * same rows twice writes nothing. Counts what happened; `xmax = 0` marks a freshly inserted row.
 */
export async function upsertRows<T extends keyof Database>(
  db: Db,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  conflict: readonly (keyof Database[T] & string)[],
  update: readonly (keyof Database[T] & string)[],
  batchSize = 1000,
): Promise<UpsertCounts> {
  const counts = noChanges();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    const target = sql.join(conflict.map((c) => sql.id(c)));
    const action =
      update.length === 0
        ? sql`do nothing`
        : sql`do update set ${sql.join(update.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}
              where (${sql.join(update.map((c) => sql`${sql.id(table, c)}`))})
                is distinct from (${sql.join(update.map((c) => sql`excluded.${sql.id(c)}`))})`;
    const query = db
      .insertInto(table)
      .values(batch)
      .modifyEnd(sql`on conflict (${target}) ${action} returning (xmax = 0) as inserted`);
    const { rows: returned } = await db.executeQuery<{ inserted: boolean }>(query.compile());
    const inserted = returned.filter((r) => r.inserted).length;
    counts.inserted += inserted;
    counts.updated += returned.length - inserted;
    counts.unchanged += batch.length - returned.length;
  }
  return counts;
}
