import type { Selectable } from 'kysely';
import type { Db } from '../warehouse/database.js';
import type { RejectedRecordTable } from '../warehouse/schema.js';
import { requireConnection, requireRun } from './lookups.js';
import type { RejectionState } from './rejection-groups.js';

export type RejectedRecord = Selectable<RejectedRecordTable>;

export interface RejectedFilter {
  readonly connectionId?: string | undefined;
  readonly runId?: number | undefined;
  /** The rejection code, in any case (NEGATIVE_COUNT, negative_count). */
  readonly code?: string | undefined;
  /** Open (unresolved) records by default. */
  readonly state?: RejectionState | undefined;
  /** Only records older than this one (id below it): the next page. */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

/**
 * Records the normalisers refused (open ones unless `state` says otherwise), newest first, with how many match the filter in all. A connection or run named
 * in the filter must exist (NotFoundError).
 */
export async function listRejected(db: Db, filter: RejectedFilter): Promise<{ records: RejectedRecord[]; total: number }> {
  if (filter.connectionId !== undefined) await requireConnection(db, filter.connectionId);
  if (filter.runId !== undefined) await requireRun(db, filter.runId);
  let query = db.selectFrom('rejected_record');
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.runId !== undefined) query = query.where('sync_run_id', '=', filter.runId);
  if (filter.code !== undefined) query = query.where('code', '=', filter.code.toUpperCase());
  const state = filter.state ?? 'open';
  if (state === 'open') query = query.where('resolved_at', 'is', null);
  if (state === 'resolved') query = query.where('resolved_at', 'is not', null);
  const total = (await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0;
  const page = filter.beforeId === undefined ? query : query.where('id', '<', filter.beforeId);
  const records = await page.selectAll().orderBy('id', 'desc').limit(filter.limit).execute();
  return { records, total };
}

/** A rejected record for scripts and the API: what was refused, why, and where it sits in the source. */
export function rejectedToJson(r: RejectedRecord) {
  return {
    id: r.id,
    connectionId: r.connection_id,
    runId: r.sync_run_id,
    stream: r.stream,
    rawRecordId: r.raw_record_id,
    code: r.code,
    reason: r.reason,
    location: r.location,
    payload: r.payload ?? null,
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedByRunId: r.resolved_by_run_id,
  };
}
