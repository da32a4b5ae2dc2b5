import type { Command } from 'commander';
import type { Json } from '../../connector-sdk/types.js';
import { requestSync } from '../../queue/sync-queue.js';
import type { RunRequest, SyncRun } from '../../warehouse/sync-runs.js';
import { ExitCode, type CliContext } from '../context.js';
import { describeMode, runToJson } from '../format-run.js';
import { ConflictError, note, parseMonth, positiveInt, requireConnection, runOperatorCommand, UsageError, withSyncQueue, workersOnQueue } from '../operator.js';
import { followWithInterrupt, reportOutcome, type FollowOutput } from '../progress.js';

export interface FollowFlags {
  wait?: boolean;
  json?: boolean;
  /** Seconds to wait at most with --wait. */
  timeout?: number;
}

interface SyncFlags extends FollowFlags {
  fullRefresh?: boolean;
  from?: string;
  to?: string;
}

/** Whether an active run does what the request asked: then the request joins it, otherwise it is refused. */
export function sameRequest(run: SyncRun, request: RunRequest): boolean {
  if (run.mode !== request.mode) return false;
  if (run.mode === 'replay') return run.replay_of === (request.replayOf ?? null);
  if (run.mode === 'backfill') {
    const p = run.params;
    return p.from === request.params?.from && p.to === request.params?.to;
  }
  return true;
}

/** stdout on a terminal gets a progress line; a pipe (or --json) gets JSON lines. */
export function followOutput(flags: FollowFlags): FollowOutput {
  return flags.json === true || !process.stdout.isTTY ? 'lines' : 'tty';
}

/**
 * Queues the request (or joins the connection's active run when it does the same thing; a different request is
 * refused, exit 1), warns when no worker consumes the queue, and with --wait follows the run to its end:
 * exit 0 succeeded, 1 failed (with the error, its causes and what to do next).
 */
export async function queueAndFollow(ctx: CliContext, request: RunRequest, flags: FollowFlags): Promise<number> {
  const { run, joined, workers } = await withSyncQueue(ctx, async (queue) => {
    const requested = await requestSync(ctx.db, queue, request);
    return { ...requested, workers: await workersOnQueue(queue, ctx.config.queue.redisUrl) };
  });
  const c = request.connectionId;
  const wanted = describeMode({ mode: request.mode, params: request.params ?? {}, replay_of: request.replayOf ?? null });
  if (joined && !sameRequest(run, request)) {
    throw new ConflictError(
      'SYNC_ALREADY_ACTIVE',
      `connection ${c} already has run ${run.id} (${describeMode(run)}) ${run.status}; only one sync per connection runs at a time, so the ${wanted} was not queued. ` +
        `Wait for run ${run.id} to end (\`lgsp runs show ${run.id} --wait\`), then run this command again.`,
    );
  }
  if (workers === 0) {
    note(`warning: no sync worker is consuming the queue, so run ${run.id} stays ${run.status} until one starts: start one with \`npm run worker\`.`);
  }
  if (joined) {
    note(`connection ${c} already has run ${run.id} ${run.status}; ${flags.wait === true ? 'following it' : `not starting another. Follow it with \`lgsp runs show ${run.id} --wait\``}`);
  }
  if (flags.wait !== true) {
    if (flags.json === true) ctx.print(JSON.stringify({ joined, run: runToJson(run) }, null, 2));
    else if (!joined) ctx.print(`queued run ${run.id} (${describeMode(run)}) for connection ${c}; follow it with \`lgsp runs show ${run.id} --wait\``);
    else ctx.print(`run ${run.id} (${describeMode(run)}) of connection ${c} is ${run.status}`);
    return ExitCode.ok;
  }
  const output = followOutput(flags);
  if (output === 'lines') ctx.print(JSON.stringify({ event: joined ? 'joined' : 'queued', ...runToJson(run) }));
  const outcome = await followWithInterrupt(ctx, run.id, { output, shown: run, ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}) });
  return reportOutcome(ctx, outcome, output);
}

export function syncRequest(connectionId: string, flags: SyncFlags): RunRequest {
  const bounded = flags.from !== undefined || flags.to !== undefined;
  if (bounded && flags.fullRefresh === true) {
    throw new UsageError('SYNC_MODE_INVALID', '--full-refresh reads everything, --from/--to a range of months: give one or the other.');
  }
  if (flags.from !== undefined && flags.to !== undefined && flags.from > flags.to) {
    throw new UsageError('SYNC_MODE_INVALID', `--from ${flags.from} is after --to ${flags.to}: give the earlier month first.`);
  }
  if (bounded) {
    const params: Record<string, Json> = {};
    if (flags.from !== undefined) params.from = flags.from;
    if (flags.to !== undefined) params.to = flags.to;
    return { connectionId, mode: 'backfill', params };
  }
  return { connectionId, mode: flags.fullRefresh === true ? 'full_refresh' : 'incremental' };
}

export async function runSync(ctx: CliContext, connectionId: string, flags: SyncFlags): Promise<number> {
  const request = syncRequest(connectionId, flags);
  await requireConnection(ctx, connectionId);
  return queueAndFollow(ctx, request, flags);
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('queue a sync of a connection (joins its active sync when that does the same; refuses a different one)')
    .argument('<connection>', 'connection id')
    .option('--wait', 'follow the run to its end: a progress line on a terminal, JSON lines when piped; exit 0 succeeded, 1 failed')
    .option('--full-refresh', 'refetch everything (only what differs changes)')
    .option('--from <YYYY-MM>', 'backfill from this month (inclusive)', parseMonth)
    .option('--to <YYYY-MM>', 'backfill up to this month (inclusive)', parseMonth)
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 1; the run goes on)', positiveInt('seconds'))
    .option('--json', 'machine-readable result (JSON lines with --wait)')
    .action(async (connection: string, flags: SyncFlags) => {
      await runOperatorCommand((ctx) => runSync(ctx, connection, flags));
    });
}
