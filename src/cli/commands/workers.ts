import type { Command } from 'commander';
import { liveWorkers } from '../../queue/worker-heartbeats.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTime } from '../format-run.js';
import { runOperatorCommand, withSyncQueue } from '../operator.js';
import { renderTable } from '../table.js';

/** The sync workers whose heartbeat is current, and the runs each is executing. */
export async function runWorkers(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const workers = await withSyncQueue(ctx, (queue) => liveWorkers(queue));
  if (flags.json === true) {
    ctx.print(JSON.stringify(workers, null, 2));
    return ExitCode.ok;
  }
  if (workers.length === 0) {
    ctx.print('no live sync worker: queued runs wait until one starts. Start one with `npm run worker` (or the worker service).');
    return ExitCode.ok;
  }
  ctx.print(renderTable(
    ['worker', 'host', 'pid', 'started', 'last heartbeat', 'runs'],
    workers.map((w) => [w.id, w.host, String(w.pid), formatTime(new Date(w.startedAt)), formatTime(new Date(w.beatAt)), w.runs.length === 0 ? 'idle' : w.runs.join(', ')]),
  ));
  return ExitCode.ok;
}

export function registerWorkersCommand(program: Command): void {
  program
    .command('workers')
    .description('the live sync workers (by their heartbeats) and the runs each is executing')
    .option('--json', 'machine-readable result')
    .action(async (flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runWorkers(ctx, flags));
    });
}
