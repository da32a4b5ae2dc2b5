import type { Command } from 'commander';
import { migrateToLatest } from '../../warehouse/migrate.js';
import { ExitCode, withContext } from '../context.js';
import { runCommand } from '../run-command.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the warehouse schema up to date (plain SQL migrations, in order)')
    .action(async () => {
      await runCommand(() =>
        withContext(async (ctx) => {
          const applied = await migrateToLatest(ctx.db);
          ctx.logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
          ctx.print(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'schema already up to date');
          return ExitCode.ok;
        }, { createDatabase: true }),
      );
    });
}
