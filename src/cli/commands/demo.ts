import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { withContext } from '../context.js';
import { runCommand } from '../run-command.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: migrate, load the reference data, start the source emulators and a worker, sync, and show each province against its Resolution 57 targets')
    .option('--stay-up', 'keep the API and the emulators up after the table, until Ctrl-C')
    .option('--log-file <path>', 'where the full log goes (JSON lines); the terminal shows only warnings', join(tmpdir(), 'lgsp-demo.log'))
    .action(async (flags: { stayUp?: boolean; logFile: string }) => {
      // Each demo's log starts empty: the file is the log of the run just shown.
      writeFileSync(flags.logFile, '');
      await runCommand(() => withContext((ctx) => runDemo(ctx, { stayUp: flags.stayUp === true, logFile: flags.logFile }), { createDatabase: true, log: { report: flags.logFile } }));
    });
}
