import { getRun, type SyncRun } from '../warehouse/sync-runs.js';
import { errorCatalogue } from '../errors.js';
import { ExitCode, type CliContext } from './context.js';
import { countsOf, describeMode, durationMs, isTerminal, runErrorOf, runToJson } from '../operations/runs.js';
import { describeRunFailure, formatCounts, formatDuration } from './format-run.js';
import { note } from './operator.js';

/**
 * How a followed run is shown: `tty` redraws one progress line in place (a person at a terminal); `lines`
 * writes a JSON line whenever the run's status, counters or error change, then a final line (pipes, scripts).
 */
export type FollowOutput = 'tty' | 'lines';

export interface FollowOptions {
  readonly output: FollowOutput;
  /** How often the sync_run row is read. */
  readonly pollMs?: number;
  /** Stop following after this long (the run goes on in the worker). */
  readonly timeoutMs?: number;
  /** Aborted (Ctrl-C): stop following; the run goes on in the worker. */
  readonly signal?: AbortSignal;
  /** The run as already shown (the `queued`/`joined` line): the first progress line comes with its first change. */
  readonly shown?: SyncRun;
  /** Written to stdout; a test seam. */
  readonly write?: (text: string) => void;
}

export type FollowOutcome = { readonly kind: 'finished'; readonly run: SyncRun } | { readonly kind: 'stopped'; readonly run: SyncRun; readonly reason: 'timeout' | 'interrupted' };

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The in-place progress line of a run on a terminal. */
export function progressLine(run: SyncRun, tick: number, now: Date = new Date()): string {
  const c = countsOf(run);
  const frame = isTerminal(run.status) ? (run.status === 'succeeded' ? '✔' : '✖') : (spinner[tick % spinner.length] ?? '*');
  const elapsed = run.started_at === null ? `waiting ${formatDuration(now.getTime() - run.queued_at.getTime())}` : formatDuration(durationMs(run, now));
  const retrying = !isTerminal(run.status) && run.error !== null ? ` · retrying after ${runErrorOf(run)?.code ?? 'an error'}` : '';
  return `${frame} run ${run.id} ${run.status} ${elapsed} · fetched ${c.records_fetched} · landed ${c.records_landed} · unchanged ${c.records_unchanged} · rejected ${c.records_rejected} · observations +${c.observations_inserted} ~${c.observations_updated} · events ${c.events_written}${retrying}`;
}

/** The JSON line of a run's progress (`event: progress`) or its end (`event: finished`). */
export function progressJson(run: SyncRun, event: 'progress' | 'finished' | 'stopped', now: Date = new Date()): string {
  return JSON.stringify({ event, ...runToJson(run, 'full', now) });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Follows a run by polling its sync_run row until it ends (or the wait is stopped), showing its progress. */
export async function followRun(ctx: CliContext, runId: number, options: FollowOptions): Promise<FollowOutcome> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const pollMs = options.pollMs ?? 500;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const stateOf = (run: SyncRun) => JSON.stringify([run.status, countsOf(run), run.error]);
  let last = options.shown ? stateOf(options.shown) : '';
  let tick = 0;
  let retryNoted = '';
  for (;;) {
    const run = await getRun(ctx.db, runId);
    if (!run) throw new Error(`run ${runId} disappeared while it was followed`);
    const done = isTerminal(run.status);
    if (options.output === 'tty') {
      write(`\r\x1b[2K${progressLine(run, tick++)}${done ? '\n' : ''}`);
    } else {
      const state = stateOf(run);
      if (state !== last && !done) write(`${progressJson(run, 'progress')}\n`);
      last = state;
    }
    const error = runErrorOf(run);
    if (!done && error && retryNoted !== JSON.stringify(error)) {
      retryNoted = JSON.stringify(error);
      if (options.output === 'tty') write('\n');
      note(`run ${run.id}: an attempt failed and will be retried: [${error.code}] ${error.message}`);
    }
    if (done) return { kind: 'finished', run };
    const stopped = options.signal?.aborted === true ? 'interrupted' : Date.now() >= deadline ? 'timeout' : null;
    if (stopped) {
      if (options.output === 'tty') write('\n');
      return { kind: 'stopped', run, reason: stopped };
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** Ctrl-C while following stops the following, not the run (which belongs to the worker). */
export async function followWithInterrupt(ctx: CliContext, runId: number, options: Omit<FollowOptions, 'signal'>): Promise<FollowOutcome> {
  const stop = new AbortController();
  const onSignal = () => {
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    return await followRun(ctx, runId, { ...options, signal: stop.signal });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/**
 * Reports how a followed run ended and turns it into the exit code: 0 succeeded, 1 failed or cancelled (with
 * the error, its causes and what to do next on stderr), 1 when the wait timed out, 130 on Ctrl-C.
 */
export function reportOutcome(ctx: CliContext, outcome: FollowOutcome, output: FollowOutput): number {
  const { run } = outcome;
  if (outcome.kind === 'stopped') {
    if (output === 'lines') ctx.print(progressJson(run, 'stopped'));
    const why = outcome.reason === 'timeout' ? 'stopped waiting (--timeout)' : 'stopped following';
    note(`${why}: run ${run.id} is ${run.status} and goes on in the worker; follow it with \`lgsp runs show ${run.id}\`.`);
    if (outcome.reason === 'timeout') {
      note(`error [SYNC_WAIT_TIMEOUT]: run ${run.id} did not finish in time.${run.status === 'queued' ? ' It has not started: is a sync worker running (`npm run worker`)?' : ''}`);
      return errorCatalogue.SYNC_WAIT_TIMEOUT.exit;
    }
    return ExitCode.interrupted;
  }
  if (output === 'lines') ctx.print(progressJson(run, 'finished'));
  else ctx.print(`run ${run.id} (${describeMode(run)}) of ${run.connection_id} ${run.status} in ${formatDuration(durationMs(run))}: ${formatCounts(countsOf(run))}`);
  if (run.status === 'succeeded') {
    if (output === 'tty' && run.records_rejected > 0) ctx.print(`${run.records_rejected} record(s) rejected: \`lgsp rejected list --run ${run.id}\``);
    return ExitCode.ok;
  }
  for (const line of describeRunFailure(run)) note(line);
  return ExitCode.failure;
}
