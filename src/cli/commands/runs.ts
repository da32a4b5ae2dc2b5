import type { Command } from 'commander';
import { cancelActiveRun } from '../../operations/cancel-run.js';
import { listRuns, runDetail } from '../../operations/runs.js';
import { ExitCode, type CliContext } from '../context.js';
import { countKeys, countsOf, describeMode, durationMs, isTerminal, runErrorOf, runToJson } from '../../operations/runs.js';
import { describeRunFailure, formatDuration, formatTime, shortJson } from '../format-run.js';
import { positiveInt, runOperatorCommand, withSyncQueue } from '../operator.js';
import { followWithInterrupt, reportOutcome } from '../progress.js';
import { renderTable } from '../table.js';
import { followOutput, type FollowFlags } from './sync.js';

interface ListFlags {
  connection?: string;
  limit: number;
  json?: boolean;
}

export async function runRunsList(ctx: CliContext, flags: ListFlags): Promise<number> {
  const runs = await listRuns(ctx.db, { connectionId: flags.connection, limit: flags.limit });
  if (flags.json === true) {
    ctx.print(JSON.stringify(runs.map((r) => runToJson(r)), null, 2));
    return ExitCode.ok;
  }
  if (runs.length === 0) {
    ctx.print(`no runs yet${flags.connection !== undefined ? ` for ${flags.connection}` : ''}: start one with \`lgsp sync <connection> --wait\``);
    return ExitCode.ok;
  }
  ctx.print(
    renderTable(
      ['run', 'connection', 'mode', 'status', 'queued', 'took', 'fetched', 'landed', 'rejected', 'obs +/~/-', 'events', 'error'],
      runs.map((r) => [
        String(r.id), r.connection_id, describeMode(r), r.status, formatTime(r.queued_at), formatDuration(durationMs(r)),
        String(r.records_fetched), String(r.records_landed), String(r.records_rejected),
        `+${r.observations_inserted} ~${r.observations_updated} -${r.observations_removed}`, String(r.events_written), runErrorOf(r)?.code ?? '',
      ]),
    ),
  );
  if (runs.length === flags.limit) ctx.print(`(the ${flags.limit} newest; --limit N for more)`);
  return ExitCode.ok;
}

/** One run in full: counters, cursors before and after, each stream's progress, the error with its causes. */
export async function runRunsShow(ctx: CliContext, runId: number, flags: FollowFlags): Promise<number> {
  const { run, streams } = await runDetail(ctx.db, runId);
  if (flags.wait === true && !isTerminal(run.status)) {
    const output = followOutput(flags);
    return reportOutcome(ctx, await followWithInterrupt(ctx, runId, { output, ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}) }), output);
  }
  if (flags.json === true) {
    ctx.print(JSON.stringify({ ...runToJson(run), streams: streams.map((s) => ({ ...s, updatedAt: s.updatedAt.toISOString() })) }, null, 2));
    return ExitCode.ok;
  }
  ctx.print(`run ${run.id} of connection ${run.connection_id}: ${describeMode(run)}, ${run.status}`);
  ctx.print(`queued ${formatTime(run.queued_at)}, started ${formatTime(run.started_at)}, finished ${formatTime(run.finished_at)}, took ${formatDuration(durationMs(run))}${isTerminal(run.status) ? '' : ' so far'}`);
  if (Object.keys(run.params).length > 0) ctx.print(`params: ${JSON.stringify(run.params)}`);
  if (run.job_id !== null) ctx.print(`job: ${run.job_id}`);
  const counts = countsOf(run);
  ctx.print(renderTable(['counter', 'value'], countKeys.map((k) => [k.replaceAll('_', ' '), String(counts[k])])));
  ctx.print(`cursor before: ${shortJson(run.cursor_before, 200)}`);
  ctx.print(`cursor after:  ${shortJson(run.cursor_after, 200)}`);
  if (streams.length > 0) {
    ctx.print(renderTable(['stream', 'done', 'cursor', 'updated'], streams.map((s) => [s.stream, s.done ? 'yes' : 'no', shortJson(s.cursor, 80), formatTime(s.updatedAt)])));
  }
  if (run.records_rejected > 0) ctx.print(`${run.records_rejected} record(s) rejected: \`lgsp rejected list --run ${run.id}\``);
  const error = runErrorOf(run);
  if (error && !isTerminal(run.status)) {
    ctx.print(`last attempt failed and will be retried: [${error.code}] ${error.message}`);
    for (const cause of error.causes) ctx.print(`  cause: ${cause}`);
  } else if (run.status === 'failed' || run.status === 'cancelled') {
    for (const line of describeRunFailure(run)) ctx.print(line);
  }
  return ExitCode.ok;
}

/** Ends a queued or running run an operator gives up on; its connection is free for a new sync at once. */
export async function runRunsCancel(ctx: CliContext, runId: number, flags: { json?: boolean }): Promise<number> {
  const { run, jobRemoved } = await withSyncQueue(ctx, (queue) => cancelActiveRun(ctx.db, queue, runId));
  if (flags.json === true) {
    ctx.print(JSON.stringify({ run: runToJson(run), jobRemoved }, null, 2));
    return ExitCode.ok;
  }
  const worker = jobRemoved ? 'its job was taken off the queue' : 'a worker executing it stops at its next page, which is rolled back';
  ctx.print(`cancelled run ${run.id} of connection ${run.connection_id}: ${worker}. Pages committed before stay; \`lgsp sync ${run.connection_id}\` starts a new run from the connection's cursor.`);
  return ExitCode.ok;
}

export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('sync runs: what each did, how long it took, why it failed');
  runs
    .command('list')
    .description('the newest runs, optionally of one connection')
    .option('--connection <id>', 'only runs of this connection')
    .option('--limit <n>', 'how many', positiveInt('a number of runs'), 20)
    .option('--json', 'machine-readable result')
    .action(async (flags: ListFlags) => {
      await runOperatorCommand((ctx) => runRunsList(ctx, flags));
    });
  runs
    .command('show')
    .description('one run: all counters, cursors before and after, error with causes, duration')
    .argument('<run>', 'run id', positiveInt('a run id'))
    .option('--wait', 'if it is queued or running, follow it to its end (like `lgsp sync --wait`)')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long', positiveInt('seconds'))
    .option('--json', 'machine-readable result')
    .action(async (runId: number, flags: FollowFlags) => {
      await runOperatorCommand((ctx) => runRunsShow(ctx, runId, flags));
    });
  runs
    .command('cancel')
    .description('end a queued or running run you give up on (it stops between pages; its connection can sync again at once)')
    .argument('<run>', 'run id', positiveInt('a run id'))
    .option('--json', 'machine-readable result')
    .action(async (runId: number, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runRunsCancel(ctx, runId, flags));
    });
}
