import { sql } from 'kysely';
import type { RecordRejection } from '../pipeline/normalise.js';
import type { Db } from './database.js';
import type { StreamRef } from './source-records.js';

/** Records the page's rejected records, each with its reason and location. */
export async function recordRejections(db: Db, ref: StreamRef, rejections: readonly RecordRejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await sql`
    insert into rejected_record (connection_id, sync_run_id, stream, raw_record_id, code, reason, location, payload)
    select ${ref.connectionId}, ${ref.runId}, ${ref.stream}, r, c, m, l, p
    from unnest(${rejections.map((x) => x.rawRecordId)}::bigint[], ${rejections.map((x) => x.code)}::text[],
                ${rejections.map((x) => x.reason)}::text[], ${rejections.map((x) => JSON.stringify(x.location))}::jsonb[],
                ${rejections.map((x) => JSON.stringify(x.payload))}::jsonb[]) as v(r, c, m, l, p)`.execute(db);
}
