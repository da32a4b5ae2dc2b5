import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { isTerminal } from '../format-run.js';
import { ConflictError, note, positiveInt, requireRun, runOperatorCommand } from '../operator.js';
import { queueAndFollow, type FollowFlags } from './sync.js';

/**
 * Queues a replay of a run: its landed raw records are normalised again (after a normaliser fix) without fetching.
 * A replay of a replay replays the original run. The run must have ended, and must have landed raw records.
 */
export async function runReplay(ctx: CliContext, runId: number, flags: FollowFlags): Promise<number> {
  let target = await requireRun(ctx, runId);
  if (target.mode === 'replay' && target.replay_of !== null) {
    note(`run ${runId} is itself a replay of run ${target.replay_of}; replaying run ${target.replay_of}`);
    target = await requireRun(ctx, target.replay_of);
  }
  if (!isTerminal(target.status)) {
    throw new ConflictError('RUN_ACTIVE', `run ${target.id} is ${target.status}: its raw records are still landing. Wait for it to end (\`lgsp runs show ${target.id} --wait\`), then replay it.`);
  }
  const landed = await ctx.db.selectFrom('raw_record').select((eb) => eb.fn.countAll<number>().as('n')).where('sync_run_id', '=', target.id).executeTakeFirst();
  if ((landed?.n ?? 0) === 0) {
    throw new ConflictError(
      'REPLAY_NOTHING',
      `run ${target.id} landed no raw records (what it fetched was unchanged, so it belongs to earlier runs): nothing to replay. ` +
        `Replay the runs that landed the records (\`lgsp runs list --connection ${target.connection_id}\`, column landed), or run \`lgsp sync ${target.connection_id} --full-refresh\`.`,
    );
  }
  return queueAndFollow(ctx, { connectionId: target.connection_id, mode: 'replay', replayOf: target.id }, flags);
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("normalise a run's landed raw records again, without fetching (after a normaliser fix)")
    .argument('<run>', 'the run whose records to replay', positiveInt('a run id'))
    .option('--wait', 'follow the replay to its end: a progress line on a terminal, JSON lines when piped; exit 0 succeeded, 1 failed')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 1; the run goes on)', positiveInt('seconds'))
    .option('--json', 'machine-readable result (JSON lines with --wait)')
    .action(async (runId: number, flags: FollowFlags) => {
      await runOperatorCommand((ctx) => runReplay(ctx, runId, flags));
    });
}
