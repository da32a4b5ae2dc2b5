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
  const records = hashed.map((h) => h.record);
  const hashes = hashed.map((h) => h.hash);
  const keys = records.map((r) => r.key);
  // One primary-key lookup per record: half the time of `source_key = any(keys)` (one index scan over the array),
  // and a plan that cannot change as the table outgrows its statistics during a large first sync.
  const current = await sql<{ source_key: string; content_hash: Buffer }>`
    select k.key as source_key, s.content_hash
    from unnest(${keys}::text[]) as k (key)
    cross join lateral (
      select content_hash from source_record
      where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = k.key
      limit 1
    ) s`.execute(db);
  const currentHash = new Map(current.rows.map((r) => [r.source_key, r.content_hash]));

  const changedIdx: number[] = [];
  const scopedUnchanged: string[] = [];
  records.forEach((r, i) => {
    const known = currentHash.get(r.key);
    if (known?.equals(hashes[i] as Buffer)) {
      if (r.scope !== undefined) scopedUnchanged.push(r.key);
    } else changedIdx.push(i);
  });

  if (scopedUnchanged.length > 0) {
    await sql`update source_record set seen_run_id = ${ref.runId}
      where connection_id = ${ref.connectionId} and stream = ${ref.stream} and source_key = any(${scopedUnchanged}::text[])`.execute(db);
  }
  if (changedIdx.length === 0) return { changed: [], unchanged: records.length, landed: 0 };

  const ids = await insertRaw(db, ref, changedIdx.map((i) => ({ record: records[i] as SourceRecord, hash: hashes[i] as Buffer })));
  const changed = changedIdx.map((i, n) => {
    const record = records[i] as SourceRecord;
    return { record, rawRecordId: ids[n] as number, replacesEarlier: currentHash.has(record.key) };
  });
  await sql`
    insert into source_record (connection_id, stream, source_key, content_hash, raw_record_id, scope, seen_run_id)
    select ${ref.connectionId}, ${ref.stream}, k, h, id, s, ${ref.runId}
    from unnest(${changed.map((c) => c.record.key)}::text[], ${changedIdx.map((i) => hashes[i] as Buffer)}::bytea[],
                ${changed.map((c) => c.rawRecordId)}::bigint[], ${changed.map((c) => c.record.scope ?? null)}::text[]) as v(k, h, id, s)
    on conflict (connection_id, stream, source_key) do update
      set content_hash = excluded.content_hash, raw_record_id = excluded.raw_record_id, scope = excluded.scope,
          seen_run_id = excluded.seen_run_id, updated_at = now()`.execute(db);
  return { changed, unchanged: records.length - changed.length, landed: changed.length };
}

/** Appends raw rows, returning each one's id in input order. */
async function insertRaw(db: Db, ref: StreamRef, rows: readonly { record: SourceRecord; hash: Buffer }[]): Promise<number[]> {
  const inserted = await sql<{ id: number; source_key: string }>`
    insert into raw_record (connection_id, stream, source_key, content_hash, payload, location, sync_run_id)
    select ${ref.connectionId}, ${ref.stream}, k, h, p, l, ${ref.runId}
    from unnest(${rows.map((r) => r.record.key)}::text[], ${rows.map((r) => r.hash)}::bytea[],
                ${rows.map((r) => JSON.stringify(r.record.data satisfies Json))}::jsonb[],
                ${rows.map((r) => (r.record.location === undefined ? null : JSON.stringify(r.record.location)))}::jsonb[]) as v(k, h, p, l)
    returning id, source_key`.execute(db);
  // Keys are unique within a page (the caller keeps the newest of duplicates).
  const idByKey = new Map(inserted.rows.map((r) => [r.source_key, r.id]));
  return rows.map((r) => {
    const id = idByKey.get(r.record.key);
    if (id === undefined) throw new Error(`raw record ${r.record.key} was not inserted`);
    return id;
  });
}
