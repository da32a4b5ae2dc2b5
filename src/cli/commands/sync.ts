import type { Command } from 'commander';
import { startSync, syncRequest, type SyncSpelling } from '../../operations/syncs.js';
import { workersOnQueue } from '../../queue/sync-queue.js';
import type { RunRequest } from '../../warehouse/sync-runs.js';
import { ExitCode, type CliContext } from '../context.js';
import { describeMode, runToJson } from '../../operations/runs.js';
import { note, parseMonth, positiveInt, requireConnection, runOperatorCommand, withSyncQueue } from '../operator.js';
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
  const { run, joined, requeued, workers } = await withSyncQueue(ctx, async (queue) => {
    const requested = await startSync(ctx.db, queue, request);
    return { ...requested, workers: await workersOnQueue(queue, ctx.config.queue.redisUrl) };
  });
  const c = request.connectionId;
  if (workers === 0) {
    note(`warning: no sync worker is consuming the queue, so run ${run.id} stays ${run.status} until one starts: start one with \`npm run worker\`.`);
  }
  if (requeued) {
    note(`run ${run.id}'s job was ${requeued.lost === 'missing' ? 'lost from Redis' : requeued.lost}: queued it again as ${requeued.jobId}; it resumes from its last committed page.`);
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

/** The sync flags, as the messages of the shared sync checks name them. */
const syncFlags: SyncSpelling = { fullRefresh: '--full-refresh', from: '--from', to: '--to' };

function requestFromFlags(connectionId: string, flags: SyncFlags): RunRequest {
  return syncRequest(connectionId, { mode: flags.fullRefresh === true ? 'full_refresh' : 'incremental', from: flags.from, to: flags.to }, syncFlags);
}

export async function runSync(ctx: CliContext, connectionId: string, flags: SyncFlags): Promise<number> {
  const request = requestFromFlags(connectionId, flags);
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
