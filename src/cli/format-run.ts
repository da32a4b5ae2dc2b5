import type { RunCounts, SyncRun } from '../warehouse/sync-runs.js';

/** The counters of a run, in the order operators read them. */
export const countKeys = [
  'records_fetched', 'records_landed', 'records_unchanged', 'records_rejected',
  'observations_inserted', 'observations_updated', 'observations_removed', 'observations_unchanged', 'events_written',
] as const satisfies readonly (keyof RunCounts)[];

export function countsOf(run: SyncRun): RunCounts {
  const out = {} as RunCounts;
  for (const k of countKeys) out[k] = run[k];
  return out;
}

/** A run's stored error: what `describeError` wrote when the run (or an attempt of it) failed. */
export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly permanent?: boolean;
  readonly causes: readonly string[];
}

export function runErrorOf(run: SyncRun): RunError | null {
  const e = run.error as { code?: unknown; message?: unknown; permanent?: unknown; causes?: unknown } | null;
  if (e === null || typeof e !== 'object') return null;
  return {
    code: typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
    ...(typeof e.permanent === 'boolean' ? { permanent: e.permanent } : {}),
    causes: Array.isArray(e.causes) ? e.causes.map(String) : [],
  };
}

export const isTerminal = (status: SyncRun['status']): boolean => status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** Milliseconds the run has taken (so far, while it runs); null before it starts. */
export function durationMs(run: SyncRun, now: Date = new Date()): number | null {
  if (run.started_at === null) return null;
  return (run.finished_at ?? now).getTime() - run.started_at.getTime();
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h ${m}m ${sec}s` : `${m}m ${sec}s`;
}

/** A timestamp for tables: UTC, to the second, unambiguous wherever the operator sits. */
export function formatTime(d: Date | null): string {
  return d === null ? '-' : `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** One line of counters, e.g. "fetched 120, landed 118, unchanged 2, rejected 3, obs +10 ~2 -0 =5, events 12". */
export function formatCounts(c: RunCounts): string {
  return [
    `fetched ${c.records_fetched}`,
    `landed ${c.records_landed}`,
    `unchanged ${c.records_unchanged}`,
    `rejected ${c.records_rejected}`,
    `observations +${c.observations_inserted} ~${c.observations_updated} -${c.observations_removed} =${c.observations_unchanged}`,
    `events ${c.events_written}`,
  ].join(', ');
}

export function describeMode(run: { readonly mode: SyncRun['mode']; readonly params: unknown; readonly replay_of: number | null }): string {
  const p: unknown = run.params;
  const params = (p !== null && typeof p === 'object' ? p : {}) as { from?: unknown; to?: unknown; scheduled?: unknown };
  if (run.mode === 'replay') return `replay of run ${run.replay_of ?? '?'}`;
  if (run.mode === 'backfill') {
    const from = typeof params.from === 'string' ? params.from : 'the start';
    const to = typeof params.to === 'string' ? params.to : 'now';
    return `backfill ${from} to ${to}`;
  }
  const mode = run.mode === 'full_refresh' ? 'full refresh' : 'incremental';
  return params.scheduled === true ? `${mode} (scheduled)` : mode;
}

/** The run for scripts: camelCase fields, counters as RunCounts (the names of the sync_run columns). */
export function runToJson(run: SyncRun, now: Date = new Date()) {
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
    error: runErrorOf(run),
  };
}

/** What an operator does about a failed run, by its error code. */
export function nextStepFor(run: SyncRun, error: RunError | null): string {
  const c = run.connection_id;
  switch (error?.code) {
    case 'SOURCE_AUTH_FAILED':
    case 'SECRET_MISSING':
      return `check the credentials: the secret references (\`lgsp connections show ${c}\`) and that the workers' environment has them, then \`lgsp connections check ${c}\` and \`lgsp sync ${c}\` again.`;
    case 'CONNECTION_CONFIG_INVALID':
      return `fix the connection's configuration (\`lgsp connections remove ${c}\` and add it again), then \`lgsp sync ${c}\`.`;
    case 'CONNECTOR_UNKNOWN':
      return `the worker does not have this connection's connector: install it or set LGSP_CONNECTOR_MODULES in the worker's environment, restart \`npm run worker\`, then \`lgsp sync ${c}\`.`;
    case 'SOURCE_UNAVAILABLE':
      return `the source did not answer after every retry: check it is reachable from the workers (\`lgsp connections check ${c}\`), then \`lgsp sync ${c}\` again; it continues from the last committed page.`;
    default:
      return run.mode === 'replay'
        ? `see \`lgsp runs show ${run.id}\` and the worker's log; after fixing the cause run \`lgsp replay ${run.replay_of ?? run.id}\` again.`
        : `see \`lgsp runs show ${run.id}\` and the worker's log; after fixing the cause run \`lgsp sync ${c}\` again: it continues from the last committed page.`;
  }
}

/** The error of a run as lines for stderr: code, message, causes, what to do next. */
export function describeRunFailure(run: SyncRun): string[] {
  const error = runErrorOf(run);
  const lines = error
    ? [`error [${error.code}]: run ${run.id} of connection ${run.connection_id} ${run.status}: ${error.message}`, ...error.causes.map((cause) => `  cause: ${cause}`)]
    : [`error [RUN_${run.status.toUpperCase()}]: run ${run.id} of connection ${run.connection_id} ${run.status} without a recorded error`];
  lines.push(`next: ${nextStepFor(run, error)}`);
  return lines;
}

/** Location of a record in its source as `key=value` pairs: "key=bad-1 index=3". */
export function formatLocation(location: unknown): string {
  if (location === null || typeof location !== 'object') return location === null || location === undefined ? '-' : JSON.stringify(location);
  return Object.entries(location as Record<string, unknown>)
    .filter(([, v]) => v !== '' && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** JSON on one line, shortened for a table cell. */
export function shortJson(value: unknown, max = 60): string {
  if (value === null || value === undefined) return '-';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
