import type { Json } from '../connector-sdk/types.js';
import { ConflictError } from '../errors.js';
import { requeueIfLost, type RequeuedRun } from '../queue/lost-runs.js';
import { requestSync, type SyncQueue } from '../queue/sync-queue.js';
import type { Db } from '../warehouse/database.js';
import type { RunRequest, SyncRun } from '../warehouse/sync-runs.js';
import { InvalidInputError } from './input-error.js';
import { requireConnection, requireRun } from './lookups.js';
import { sameSelection } from './reprocess.js';
import { describeMode, isTerminal } from './runs.js';

/** A backfill bound: a month, YYYY-MM. */
export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A sync as asked for: incremental or full refresh; `from`/`to` (months) make it a backfill. */
export interface SyncInput {
  readonly mode: 'incremental' | 'full_refresh';
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** How an interface names a sync's inputs in messages: the CLI its flags, the API its body fields. */
export interface SyncSpelling {
  readonly fullRefresh: string;
  readonly from: string;
  readonly to: string;
}

export const syncFieldNames: SyncSpelling = { fullRefresh: 'mode full_refresh', from: 'from', to: 'to' };

function syncError(message: string, field: string): InvalidInputError {
  return new InvalidInputError('SYNC_MODE_INVALID', message, [{ field, message }]);
}

/** The run a sync request asks for: incremental, full refresh, or a backfill of months (never a full refresh). */
export function syncRequest(connectionId: string, input: SyncInput, spelling: SyncSpelling = syncFieldNames): RunRequest {
  for (const field of ['from', 'to'] as const) {
    const month = input[field];
    if (month !== undefined && !monthPattern.test(month)) throw syncError(`${spelling[field]} "${month}" is not a month: write YYYY-MM, e.g. 2025-01.`, field);
  }
  const bounded = input.from !== undefined || input.to !== undefined;
  if (bounded && input.mode === 'full_refresh') {
    throw syncError(`${spelling.fullRefresh} reads everything, ${spelling.from}/${spelling.to} a range of months: give one or the other.`, 'mode');
  }
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw syncError(`${spelling.from} ${input.from} is after ${spelling.to} ${input.to}: give the earlier month first.`, 'from');
  }
  if (bounded) {
    const params: Record<string, Json> = {};
    if (input.from !== undefined) params.from = input.from;
    if (input.to !== undefined) params.to = input.to;
    return { connectionId, mode: 'backfill', params };
  }
  return { connectionId, mode: input.mode };
}

/** Whether an active run does what the request asked: then the request joins it, otherwise it is refused. */
export function sameRequest(run: SyncRun, request: RunRequest): boolean {
  if (run.mode !== request.mode) return false;
  if (run.mode === 'replay') return run.replay_of === (request.replayOf ?? null);
  if (run.mode === 'reprocess') return sameSelection(run.params, request.params);
  if (run.mode === 'backfill') {
    const p = run.params;
    return p.from === request.params?.from && p.to === request.params?.to;
  }
  return true;
}

/**
 * Queues the run the request asks for, or joins the connection's active run when that does the same thing
 * (`joined` true); a joined run whose job was lost is queued again (`requeued`) instead of being waited on for
 * ever. A different request while a run is active is refused (ConflictError SYNC_ALREADY_ACTIVE): one sync per
 * connection at a time.
 */
export async function startSync(db: Db, queue: SyncQueue, request: RunRequest): Promise<{ run: SyncRun; joined: boolean; requeued: RequeuedRun | null }> {
  await requireConnection(db, request.connectionId);
  const { run, joined } = await requestSync(db, queue, request);
  const requeued = joined ? await requeueIfLost(db, queue, run) : null;
  if (joined && !sameRequest(run, request)) {
    const wanted = describeMode({ mode: request.mode, params: request.params ?? {}, replay_of: request.replayOf ?? null });
    throw new ConflictError(
      'SYNC_ALREADY_ACTIVE',
      `connection ${request.connectionId} already has run ${run.id} (${describeMode(run)}) ${run.status}; only one sync per connection runs at a time, so the ${wanted} was not queued. ` +
        `Wait for run ${run.id} to end (\`lgsp runs show ${run.id} --wait\`, GET /v1/runs/${run.id}), then ask again.`,
    );
  }
  return { run, joined, requeued };
}

/**
 * The replay of a run: its landed raw records normalised again (after a normaliser fix) without fetching. A replay
 * of a replay replays the original run (`target` is the run replayed). The run must have ended and landed raw
 * records (ConflictError otherwise).
 */
export async function prepareReplay(db: Db, runId: number): Promise<{ request: RunRequest; target: SyncRun }> {
  let target = await requireRun(db, runId);
  if (target.mode === 'replay' && target.replay_of !== null) target = await requireRun(db, target.replay_of);
  if (!isTerminal(target.status)) {
    throw new ConflictError('RUN_ACTIVE', `run ${target.id} is ${target.status}: its raw records are still landing. Wait for it to end (\`lgsp runs show ${target.id} --wait\`), then replay it.`);
  }
  const landed = await db.selectFrom('raw_record').select((eb) => eb.fn.countAll<number>().as('n')).where('sync_run_id', '=', target.id).executeTakeFirst();
  if ((landed?.n ?? 0) === 0) {
    throw new ConflictError(
      'REPLAY_NOTHING',
      `run ${target.id} landed no raw records (what it fetched was unchanged, so it belongs to earlier runs): nothing to replay. ` +
        `Replay the runs that landed the records (\`lgsp runs list --connection ${target.connection_id}\`, column landed), or run \`lgsp sync ${target.connection_id} --full-refresh\`.`,
    );
  }
  return { request: { connectionId: target.connection_id, mode: 'replay', replayOf: target.id }, target };
}
