import { sql } from 'kysely';
import type { Json, SourceRecord } from '../connector-sdk/types.js';
import type { Db } from './database.js';

export interface StreamRef {
  readonly connectionId: string;
  readonly stream: string;
  readonly runId: number;
}

/** A record with the hash of its content (sha256 of the canonical payload). */
export interface HashedRecord {
  readonly record: SourceRecord;
  readonly hash: Buffer;
}

export interface LandedRecord {
  readonly record: SourceRecord;
  readonly rawRecordId: number;
  /** The record had a version before this one, whose contributions this one replaces. */
  readonly replacesEarlier: boolean;
}

export interface LandResult {
  /** New or changed records, landed: these are normalised. */
  readonly changed: LandedRecord[];
  /** Records whose current version already has this content: nothing to do. */
  readonly unchanged: number;
  /** Raw rows written now: one per changed record. */
  readonly landed: number;
}

/**
 * Lands a page's records in the raw zone. A record whose content equals its current version is skipped, so an
 * unchanged re-sync writes nothing; changed ones get a raw row and become the record's current version.
 * Records must be unique by key (the caller keeps the newest of duplicates).
 */
export async function landRecords(db: Db, ref: StreamRef, hashed: readonly HashedRecord[]): Promise<LandResult> {
  if (hashed.length === 0) return { changed: [], unchanged: 0, landed: 0 };
  // One primary-key lookup per record: half the time of `source_key = any(keys)` (one index scan over the array),
  // and a plan that cannot change as the table outgrows its statistics during a large first sync.
  const current = await sql<{ source_key: string; content_hash: Buffer }>`
    select k.key as source_key, s.content_hash
    from unnest(${hashed.map((h) => h.record.key)}::text[]) as k (key)
    cross join lateral (
      select content_hash from source_record
      where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = k.key
      limit 1
    ) s`.execute(db);
  const currentHash = new Map(current.rows.map((r) => [r.source_key, r.content_hash]));

  const changed = hashed.filter((h) => !currentHash.get(h.record.key)?.equals(h.hash));
  // A scoped record seen unchanged still counts as seen: its scope, published in full, does not withdraw it.
  const scopedUnchanged = hashed.filter((h) => h.record.scope !== undefined && currentHash.get(h.record.key)?.equals(h.hash)).map((h) => h.record.key);
  if (scopedUnchanged.length > 0) {
    await sql`update source_record set seen_run_id = ${ref.runId}
      where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = any(${scopedUnchanged}::text[])`.execute(db);
  }
  if (changed.length === 0) return { changed: [], unchanged: hashed.length, landed: 0 };

  const rawIds = await landChanged(db, ref, changed);
  const landed = changed.map(({ record }) => {
    const rawRecordId = rawIds.get(record.key);
    if (rawRecordId === undefined) throw new Error(`raw record ${record.key} was not inserted`);
    return { record, rawRecordId, replacesEarlier: currentHash.has(record.key) };
  });
  return { changed: landed, unchanged: hashed.length - changed.length, landed: changed.length };
}

/**
 * Appends raw rows and makes each its record's current version, in one statement (the page's records travel to
 * the server once). Returns the raw row ids by record key (keys are unique within a page).
 */
async function landChanged(db: Db, ref: StreamRef, rows: readonly HashedRecord[]): Promise<Map<string, number>> {
  const landed = await sql<{ id: number; source_key: string }>`
    with input (k, h, p, l, s) as (
      select * from unnest(${rows.map((r) => r.record.key)}::text[], ${rows.map((r) => r.hash)}::bytea[],
                           ${rows.map((r) => JSON.stringify(r.record.data satisfies Json))}::jsonb[],
                           ${rows.map((r) => (r.record.location === undefined ? null : JSON.stringify(r.record.location)))}::jsonb[],
                           ${rows.map((r) => r.record.scope ?? null)}::text[])
    ),
    raw as (
      insert into raw_record (connection_id, stream, source_key, content_hash, payload, location, sync_run_id)
      select ${ref.connectionId}, ${ref.stream}, k, h, p, l, ${ref.runId} from input
      returning id, source_key, content_hash
    ),
    current_version as (
      insert into source_record (connection_id, stream, source_key, content_hash, raw_record_id, scope, seen_run_id)
      select ${ref.connectionId}, ${ref.stream}, raw.source_key, raw.content_hash, raw.id, input.s, ${ref.runId}
      from raw join input on input.k = raw.source_key
      on conflict (connection_id, stream, source_key) do update
        set content_hash = excluded.content_hash, raw_record_id = excluded.raw_record_id, scope = excluded.scope,
            seen_run_id = excluded.seen_run_id, updated_at = now()
    )
    select id, source_key from raw`.execute(db);
  return new Map(landed.rows.map((r) => [r.source_key, r.id]));
}
