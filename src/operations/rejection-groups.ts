import type { Db } from '../warehouse/database.js';
import { requireConnection, requireRun } from './lookups.js';

/** Which rejected records to count: still open (the default), resolved by a reprocess, or all. */
export const rejectionStates = ['open', 'resolved', 'all'] as const;
export type RejectionState = (typeof rejectionStates)[number];

export interface RejectionGroupFilter {
  readonly connectionId?: string | undefined;
  readonly runId?: number | undefined;
  readonly code?: string | undefined;
  readonly state: RejectionState;
}

/** Rejected records of one code and reason: how many, of which connections, the newest one's id. */
export interface RejectionGroup {
  readonly code: string;
  readonly reason: string;
  readonly count: number;
  readonly connections: string[];
  readonly newestId: number;
}

/**
 * Rejected records grouped by code and reason, the largest groups first: what a steward fixes at once (one alias
 * for a misspelt province clears every record naming it). A connection or run named must exist (NotFoundError).
 */
export async function groupRejected(db: Db, filter: RejectionGroupFilter): Promise<RejectionGroup[]> {
  if (filter.connectionId !== undefined) await requireConnection(db, filter.connectionId);
  if (filter.runId !== undefined) await requireRun(db, filter.runId);
  let q = db
    .selectFrom('rejected_record')
    .select((eb) => [
      'code', 'reason',
      eb.fn.countAll<number>().as('count'),
      eb.fn.max('id').as('newest_id'),
      eb.fn.agg<string[]>('array_agg', ['connection_id']).distinct().as('connections'),
    ])
    .groupBy(['code', 'reason']);
  if (filter.connectionId !== undefined) q = q.where('connection_id', '=', filter.connectionId);
  if (filter.runId !== undefined) q = q.where('sync_run_id', '=', filter.runId);
  if (filter.code !== undefined) q = q.where('code', '=', filter.code.toUpperCase());
  if (filter.state === 'open') q = q.where('resolved_at', 'is', null);
  if (filter.state === 'resolved') q = q.where('resolved_at', 'is not', null);
  const rows = await q.orderBy('count', 'desc').orderBy('code').orderBy('reason').execute();
  return rows.map((r) => ({ code: r.code, reason: r.reason, count: r.count, connections: [...r.connections].sort(), newestId: r.newest_id }));
}
