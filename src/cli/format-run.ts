import { runErrorOf, type RunError } from '../operations/runs.js';
import type { RunCounts, SyncRun } from '../warehouse/sync-runs.js';
import type { ErrorCode } from '../errors.js';

// What runs are (counters, errors, duration, JSON) lives with the run operations, shared with the API; the CLI's
// modules read it from here with the text formatting below.

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

/** What an operator does about a failed run, by its error code. */
export function nextStepFor(run: SyncRun, error: RunError | null): string {
  const c = run.connection_id;
  switch (error?.code) {
    case 'SOURCE_AUTH_FAILED':
    case 'SECRET_MISSING':
      return `check the credentials: the secret references (\`lgsp connections show ${c}\`) and that the workers' environment has them, then \`lgsp connections check ${c}\` and \`lgsp sync ${c}\` again.`;
    case 'SECRET_REF_FORBIDDEN':
      return `the connection references a secret outside what this host publishes to connections: remove it (\`lgsp connections remove ${c}\`) and add it again with \`--secret name=env:LGSP_SECRET_…\` or \`=file:<name in LGSP_SECRETS_DIR>\`.`;
    case 'CONNECTION_CONFIG_INVALID':
      return `fix the connection's configuration (\`lgsp connections remove ${c}\` and add it again), then \`lgsp sync ${c}\`.`;
    case 'CONNECTOR_UNKNOWN':
      return `the worker does not have this connection's connector: install it or set LGSP_CONNECTOR_MODULES in the worker's environment, restart \`npm run worker\`, then \`lgsp sync ${c}\`.`;
    case 'RUN_CANCELLED':
      return `an operator cancelled it: \`lgsp sync ${c}\` starts a new run when wanted; it continues from the connection's cursor.`;
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
  const unrecorded: ErrorCode = run.status === 'cancelled' ? 'RUN_CANCELLED' : 'RUN_FAILED';
  const lines = error
    ? [`error [${error.code}]: run ${run.id} of connection ${run.connection_id} ${run.status}: ${error.message}`, ...error.causes.map((cause) => `  cause: ${cause}`)]
    : [`error [${unrecorded}]: run ${run.id} of connection ${run.connection_id} ${run.status} without a recorded error`];
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
