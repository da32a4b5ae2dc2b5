import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { withContext } from '../context.js';
import { runCommand } from '../run-command.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: migrate, load the reference data, start the source emulators and a worker, sync, and show each province against its Resolution 57 targets')
    .option('--stay-up', 'keep the API and the emulators up after the table, until Ctrl-C')
    .action(async (flags: { stayUp?: boolean }) => {
      await runCommand(() => withContext((ctx) => runDemo(ctx, { stayUp: flags.stayUp === true }), { createDatabase: true }));
    });
}
