import { sql } from 'kysely';
import type { Json } from '../connector-sdk/types.js';
import type { Db } from './database.js';
import type { StreamRef } from './source-records.js';

export async function readCursor(db: Db, connectionId: string, stream: string): Promise<Json> {
  const row = await db.selectFrom('sync_state').select('cursor').where('connection_id', '=', connectionId).where('stream', '=', stream).executeTakeFirst();
  return (row?.cursor ?? null) as Json;
}

/** Where this run's stream got to, if it started before (an interrupted run resuming). */
export async function readRunProgress(db: Db, runId: number, stream: string): Promise<{ cursor: Json; done: boolean } | null> {
  const row = await db.selectFrom('sync_run_stream').select(['cursor', 'done']).where('sync_run_id', '=', runId).where('stream', '=', stream).executeTakeFirst();
  return row ? { cursor: (row.cursor ?? null) as Json, done: row.done } : null;
}

/**
 * Commits the stream's cursor for the run (to resume from) and, unless the run is a bounded backfill, for the
 * connection (where the next incremental run starts). Called in the page's transaction: data and cursor move together.
 */
export async function writeCursor(db: Db, ref: StreamRef, cursor: Json, options: { done?: boolean; advanceConnection: boolean }): Promise<void> {
  await sql`
    insert into sync_run_stream (sync_run_id, stream, cursor, done, updated_at)
    values (${ref.runId}, ${ref.stream}, ${JSON.stringify(cursor)}::jsonb, ${options.done ?? false}, now())
    on conflict (sync_run_id, stream) do update set cursor = excluded.cursor, done = excluded.done, updated_at = now()`.execute(db);
  if (!options.advanceConnection) return;
  await sql`
    insert into sync_state (connection_id, stream, cursor, sync_run_id, updated_at)
    values (${ref.connectionId}, ${ref.stream}, ${JSON.stringify(cursor)}::jsonb, ${ref.runId}, now())
    on conflict (connection_id, stream) do update
      set cursor = excluded.cursor, sync_run_id = excluded.sync_run_id, updated_at = now()`.execute(db);
}
