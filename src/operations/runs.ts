import { publicError, storedErrorOf, type StoredError } from '../boundary/read-back.js';
import type { Db } from '../warehouse/database.js';
import type { SyncStatus } from '../warehouse/schema.js';
import type { RunCounts, SyncRun } from '../warehouse/sync-runs.js';
import { requireConnection, requireRun } from './lookups.js';
import { describeSelection } from './reprocess.js';

/** The counters of a run, in the order operators read them. */
export const countKeys = [
  'records_fetched', 'records_landed', 'records_unchanged', 'records_rejected',
  'observations_inserted', 'observations_updated', 'observations_removed', 'observations_unchanged', 'events_written',
  // Issue 16: records whose unit was named by a province or commune merged before the record's date.
  'units_via_succession',
] as const satisfies readonly (keyof RunCounts)[];

export function countsOf(run: SyncRun): RunCounts {
  const out = {} as RunCounts;
  for (const k of countKeys) out[k] = run[k];
  return out;
}

/** A run's stored error: what `describeError` wrote when the run (or an attempt of it) failed. */
export type RunError = StoredError;

/**
 * How much of a failure a reader may see: `full` for the host's CLI and admin keys; `public` for everyone else
 * (the code, status class and what to do, never the source's own answer: see src/boundary/read-back.ts).
 */
export type ErrorView = 'full' | 'public';

export function runErrorOf(run: SyncRun, view: ErrorView = 'full'): RunError | null {
  if (run.error === null || typeof run.error !== 'object') return null;
  const stored = storedErrorOf(run.error);
  return view === 'full' ? stored : publicError(stored);
}

export const isTerminal = (status: SyncRun['status']): boolean => status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** Milliseconds the run has taken (so far, while it runs); null before it starts. */
export function durationMs(run: SyncRun, now: Date = new Date()): number | null {
  if (run.started_at === null) return null;
  return (run.finished_at ?? now).getTime() - run.started_at.getTime();
}

/** What a run does, for people: "incremental (scheduled)", "backfill 2025-01 to 2025-03", "replay of run 12". */
export function describeMode(run: { readonly mode: SyncRun['mode']; readonly params: unknown; readonly replay_of: number | null }): string {
  const p: unknown = run.params;
  const params = (p !== null && typeof p === 'object' ? p : {}) as { from?: unknown; to?: unknown; scheduled?: unknown };
  if (run.mode === 'replay') return `replay of run ${run.replay_of ?? '?'}`;
  if (run.mode === 'reprocess') return describeSelection(params);
  if (run.mode === 'backfill') {
    const from = typeof params.from === 'string' ? params.from : 'the start';
    const to = typeof params.to === 'string' ? params.to : 'now';
    return `backfill ${from} to ${to}`;
  }
  const mode = run.mode === 'full_refresh' ? 'full refresh' : 'incremental';
  return params.scheduled === true ? `${mode} (scheduled)` : mode;
}

/** The run for scripts and the API: camelCase fields, counters as RunCounts (the names of the sync_run columns). */
export function runToJson(run: SyncRun, view: ErrorView = 'full', now: Date = new Date()) {
  return {
    id: run.id,
    connectionId: run.connection_id,
    mode: run.mode,
    status: run.status,
    params: run.params,
    replayOf: run.replay_of,
    jobId: run.job_id,
    queuedAt: run.queued_at.toISOString(),
    startedAt: run.started_at?.toISOString() ?? null,
    finishedAt: run.finished_at?.toISOString() ?? null,
    durationMs: durationMs(run, now),
    counts: countsOf(run),
    cursorBefore: run.cursor_before ?? null,
    cursorAfter: run.cursor_after ?? null,
    error: runErrorOf(run, view),
  };
}

export interface RunFilter {
  readonly connectionId?: string | undefined;
  readonly status?: SyncStatus | undefined;
  /** Only runs older than this one (id below it): the next page. */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

/** Runs, newest first. A connection named in the filter must exist (NotFoundError). */
export async function listRuns(db: Db, filter: RunFilter): Promise<SyncRun[]> {
  if (filter.connectionId !== undefined) await requireConnection(db, filter.connectionId);
  let query = db.selectFrom('sync_run').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

/** Where a run's stream got to. */
export interface RunStream {
  readonly stream: string;
  readonly cursor: unknown;
  readonly done: boolean;
  readonly updatedAt: Date;
}

/** One run with each stream's progress (NotFoundError for an unknown run). */
export async function runDetail(db: Db, runId: number): Promise<{ run: SyncRun; streams: RunStream[] }> {
  const run = await requireRun(db, runId);
  const streams = await db.selectFrom('sync_run_stream').select(['stream', 'cursor', 'done', 'updated_at']).where('sync_run_id', '=', runId).orderBy('stream').execute();
  return { run, streams: streams.map((s) => ({ stream: s.stream, cursor: s.cursor ?? null, done: s.done, updatedAt: s.updated_at })) };
}
