import type { Json } from '../connector-sdk/types.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import { selectedRejections, type RejectionSelection } from '../warehouse/rejection-selection.js';
import type { RunRequest } from '../warehouse/sync-runs.js';
import { requireConnection } from './lookups.js';

/** Which rejected records to normalise again: every open one, or those of a connection, a code, ids. */
export interface ReprocessInput {
  readonly connectionId?: string | undefined;
  /** The rejection code, in any case. */
  readonly code?: string | undefined;
  readonly ids?: readonly number[] | undefined;
}

/**
 * The reprocess runs a request asks for: one per connection with open rejected records matching it (a connection
 * runs one run at a time). Fixed now: records rejected after the request are not taken. A connection or ids that do
 * not exist are a NotFoundError; nothing open to take is a ConflictError (REPROCESS_NOTHING).
 */
export async function prepareReprocess(db: Db, input: ReprocessInput): Promise<RunRequest[]> {
  if (input.connectionId !== undefined) await requireConnection(db, input.connectionId);
  if (input.ids !== undefined && input.ids.length > 0) await requireRejections(db, input.ids);
  const newest = await db.selectFrom('rejected_record').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const selection: RejectionSelection = {
    upTo: newest?.id ?? 0,
    ...(input.code !== undefined ? { code: input.code.toUpperCase() } : {}),
    ...(input.ids !== undefined ? { ids: [...new Set(input.ids)].sort((a, b) => a - b) } : {}),
  };
  const open = selectedRejections(db, input.connectionId, selection).select('j.connection_id').distinct();
  const connections = (await open.orderBy('j.connection_id').execute()).map((r) => r.connection_id);
  if (connections.length === 0) {
    throw new ConflictError(
      'REPROCESS_NOTHING',
      'no open rejected records with their raw record match: nothing to reprocess. See what is open with `lgsp rejected list --group` (GET /v1/rejected/groups); records rejected before landing can only be fetched again (`lgsp sync`).',
    );
  }
  const params: Record<string, Json> = { upTo: selection.upTo };
  if (selection.code !== undefined) params.code = selection.code;
  if (selection.ids !== undefined) params.ids = selection.ids;
  return connections.map((connectionId) => ({ connectionId, mode: 'reprocess', params }));
}

async function requireRejections(db: Db, ids: readonly number[]): Promise<void> {
  const found = new Set((await db.selectFrom('rejected_record').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new NotFoundError('Rejected record', missing.join(', '), 'Run `lgsp rejected list` (GET /v1/rejected) to see the rejected records and their ids.');
  }
}

/** Whether two reprocess runs take the same records (the newest id they may take aside). */
export function sameSelection(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>> | undefined): boolean {
  return a.code === b?.code && JSON.stringify(a.ids ?? null) === JSON.stringify(b?.ids ?? null);
}

/** "reprocess of rejected records (code UNIT_NOT_FOUND, ids 4, 5)". */
export function describeSelection(params: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof params.code === 'string') parts.push(`code ${params.code}`);
  if (Array.isArray(params.ids)) parts.push(`ids ${params.ids.join(', ')}`);
  return `reprocess of rejected records${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
