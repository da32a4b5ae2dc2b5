import type { Command } from 'commander';
import { prepareReprocess } from '../../operations/reprocess.js';
import { auditCommandObject } from '../command-outcome.js';
import type { CliContext } from '../context.js';
import { positiveInt, runOperatorCommand } from '../operator.js';
import { queueAndFollow, type FollowFlags } from './sync.js';

interface ReprocessFlags extends FollowFlags {
  connection?: string;
  code?: string;
  id?: number[];
}

/**
 * Queues a reprocess of the open rejected records asked for (see `prepareReprocess`): one run per connection,
 * normalising them again from the landing zone without fetching. With --wait each run is followed to its end;
 * the exit code is the worst of them.
 */
export async function runReprocess(ctx: CliContext, flags: ReprocessFlags): Promise<number> {
  if (flags.connection !== undefined) auditCommandObject(flags.connection);
  const requests = await prepareReprocess(ctx.db, { connectionId: flags.connection, code: flags.code, ids: flags.id });
  let exit = 0;
  for (const request of requests) exit = Math.max(exit, await queueAndFollow(ctx, request, flags));
  return exit;
}

const collect = (parse: (text: string) => number) => (text: string, previous: number[] | undefined) => [...(previous ?? []), parse(text)];

export function registerReprocessCommand(rejected: Command): void {
  rejected
    .command('reprocess')
    .description('normalise open rejected records again from the landing zone, without fetching (after an alias or a normaliser fix)')
    .option('--connection <id>', 'only of this connection')
    .option('--code <code>', 'only with this code, e.g. UNIT_NOT_FOUND')
    .option('--id <id>', 'only this rejected record (repeat for more)', collect(positiveInt('a rejected record id')))
    .option('--wait', 'follow each run to its end: a progress line on a terminal, JSON lines when piped; exit 0 succeeded, 1 failed')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 1; the run goes on)', positiveInt('seconds'))
    .option('--json', 'machine-readable result (JSON lines with --wait)')
    .action(async (flags: ReprocessFlags) => {
      await runOperatorCommand((ctx) => runReprocess(ctx, flags));
    });
}
