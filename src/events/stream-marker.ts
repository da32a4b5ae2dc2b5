import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import type { AppendedState } from './redis-stream.js';

/** What the relay last saw of a stream (table event_stream_marker): the means to notice that it lost entries. */
export interface StreamMarker {
  /** Entries ever added to the stream after the relay's last append. */
  readonly entriesAdded: number;
  /** The stream's last entry id then. */
  readonly lastEntryId: string;
  /** Entries it held then. */
  readonly length: number;
  /** The last entry id of the stream lost at the latest loss; null when none was ever noticed. */
  readonly lostThroughId: string | null;
}

interface MarkerRow {
  entries_added: number;
  last_entry_id: string;
  length: number;
  lost_through_id: string | null;
}

const toMarker = (r: MarkerRow): StreamMarker => ({ entriesAdded: r.entries_added, lastEntryId: r.last_entry_id, length: r.length, lostThroughId: r.lost_through_id });

/** The marker of a stream; null before the relay's first append to it. `forUpdate` locks it (in a transaction). */
export async function readStreamMarker(db: Db, key: string, options: { forUpdate?: boolean } = {}): Promise<StreamMarker | null> {
  const { rows } = await sql<MarkerRow>`
    select entries_added, last_entry_id, length, lost_through_id from event_stream_marker
    where stream_key = ${key} ${options.forUpdate === true ? sql`for update` : sql``}`.execute(db);
  return rows[0] === undefined ? null : toMarker(rows[0]);
}

/**
 * Records the stream's state after an append. Done before the outbox rows are marked published: a crash in
 * between republishes the round, where recording after marking could leave published events the marker misses.
 */
export async function recordAppend(db: Db, key: string, state: AppendedState): Promise<void> {
  await sql`
    insert into event_stream_marker (stream_key, entries_added, last_entry_id, length)
    values (${key}, ${state.entriesAdded ?? 0}, ${state.lastId}, ${state.length})
    on conflict (stream_key) do update
    set entries_added = excluded.entries_added, last_entry_id = excluded.last_entry_id, length = excluded.length, updated_at = now()`.execute(db);
}
