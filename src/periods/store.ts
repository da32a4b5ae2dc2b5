import type { Db } from '../warehouse/database.js';
import { endsOn, parentOf, startsOn, withAncestors, type Period } from './period.js';

/** Makes sure the period table holds these periods and their ancestors (quarters, years), parents first. */
export async function ensurePeriods(db: Db, periods: Iterable<Period>): Promise<void> {
  const byCode = new Map<string, Period>();
  for (const p of periods) for (const q of withAncestors(p)) byCode.set(q.code, q);
  if (byCode.size === 0) return;
  const order = { year: 0, quarter: 1, month: 2 } as const;
  const rows = [...byCode.values()]
    .sort((a, b) => order[a.kind] - order[b.kind])
    .map((p) => ({ code: p.code, kind: p.kind, year: p.year, starts_on: startsOn(p), ends_on: endsOn(p), parent: parentOf(p)?.code ?? null }));
  await db.insertInto('period').values(rows).onConflict((oc) => oc.column('code').doNothing()).execute();
}
