import { sql } from 'kysely';
import type { Contribution } from '../pipeline/normalise.js';
import { ensurePeriods } from '../periods/store.js';
import type { Db } from './database.js';
import type { StreamRef } from './source-records.js';

/** The identity of an observation: indicator x unit version x period. */
export interface ObservationKey {
  readonly indicator: string;
  readonly unitId: number;
  readonly period: string;
}

type KeyRow = { indicator_code: string; unit_id: number; period_code: string };
const toKey = (r: KeyRow): ObservationKey => ({ indicator: r.indicator_code, unitId: r.unit_id, period: r.period_code });

/**
 * Replaces what the given records contribute with `contributions` (their new figures; none for a record that no
 * longer feeds any observation). `replacedKeys` are the records that may have contributed before (contributions
 * exist only for records in source_record: the two are written and deleted together); a record landed
 * for the first time has nothing to replace (most of a first sync: inserts only). Returns every observation key
 * whose contributions may have changed.
 */
export async function replaceContributions(db: Db, ref: StreamRef, replacedKeys: readonly string[], contributions: readonly Contribution[]): Promise<ObservationKey[]> {
  const removed = replacedKeys.length === 0 ? [] : (await sql<KeyRow>`
    delete from observation_contribution
    where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = any(${replacedKeys}::text[])
    returning indicator_code, unit_id, period_code`.execute(db)).rows;
  if (contributions.length > 0) {
    await ensurePeriods(db, contributions.map((c) => c.period));
    await sql`
      insert into observation_contribution
        (connection_id, stream, source_key, indicator_code, unit_id, period_code, value, status, raw_record_id, sync_run_id, via_succession)
      select ${ref.connectionId}, ${ref.stream}, k, i, u, p, v, s, r, ${ref.runId}, f
      from unnest(${contributions.map((c) => c.sourceKey)}::text[], ${contributions.map((c) => c.indicator)}::text[],
                  ${contributions.map((c) => c.unitId)}::bigint[], ${contributions.map((c) => c.period.code)}::text[],
                  ${contributions.map((c) => c.value)}::numeric[], ${contributions.map((c) => c.status)}::text[],
                  ${contributions.map((c) => c.rawRecordId)}::bigint[], ${contributions.map((c) => c.viaSuccession)}::boolean[]) as c(k, i, u, p, v, s, r, f)`.execute(db);
  }
  return [...removed.map(toKey), ...contributions.map((c) => ({ indicator: c.indicator, unitId: c.unitId, period: c.period.code }))];
}

/**
 * A page that carries a scope in full (a month's file) withdraws the scope's records it no longer has:
 * records of the scope not seen by this run lose their contributions. Returns the observation keys touched.
 */
export async function withdrawAbsentRecords(db: Db, ref: StreamRef, scopes: readonly string[]): Promise<{ keys: ObservationKey[]; records: number }> {
  if (scopes.length === 0) return { keys: [], records: 0 };
  const gone = await sql<{ source_key: string }>`
    delete from source_record
    where connection_id = ${ref.connectionId} and stream = ${ref.stream} and scope = any(${scopes}::text[])
      and seen_run_id is distinct from ${ref.runId}
    returning source_key`.execute(db);
  if (gone.rows.length === 0) return { keys: [], records: 0 };
  const removed = await sql<KeyRow>`
    delete from observation_contribution
    where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = any(${gone.rows.map((r) => r.source_key)}::text[])
    returning indicator_code, unit_id, period_code`.execute(db);
  return { keys: removed.rows.map(toKey), records: gone.rows.length };
}
