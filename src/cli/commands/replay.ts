import type { Command } from 'commander';
import { prepareReplay } from '../../operations/syncs.js';
import type { CliContext } from '../context.js';
import { note, positiveInt, runOperatorCommand } from '../operator.js';
import { queueAndFollow, type FollowFlags } from './sync.js';

/**
 * Queues a replay of a run (see `prepareReplay`): its landed raw records are normalised again (after a normaliser
 * fix) without fetching. A replay of a replay replays the original run.
 */
export async function runReplay(ctx: CliContext, runId: number, flags: FollowFlags): Promise<number> {
  const { request, target } = await prepareReplay(ctx.db, runId);
  if (target.id !== runId) note(`run ${runId} is itself a replay of run ${target.id}; replaying run ${target.id}`);
  return queueAndFollow(ctx, request, flags);
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
