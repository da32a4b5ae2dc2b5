import type { Command } from 'commander';
import { loadReferenceData } from '../../reference/load-reference.js';
import { migrateToLatest } from '../../warehouse/migrate.js';
import { ExitCode, withContext } from '../context.js';
import { runCommand } from '../run-command.js';
import { printCatalogue } from './catalogue.js';
import { printLoadReport } from './reference.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: migrate, load the reference data, print the catalogue and the targets')
    .action(async () => {
      await runCommand(() =>
        withContext(
          async (ctx) => {
            ctx.print('== 1. Warehouse schema');
            const applied = await migrateToLatest(ctx.db);
            ctx.print(applied.length > 0 ? `applied ${applied.join(', ')}` : 'already up to date');
            ctx.print(`\n== 2. Reference data (administrative units from ${ctx.config.adminUnitsDir})`);
            printLoadReport(ctx, await loadReferenceData(ctx.db, { adminUnitsDir: ctx.config.adminUnitsDir, logger: ctx.logger }));
            ctx.print('\n== 3. What the warehouse tracks');
            await printCatalogue(ctx, false);
            ctx.print('\nTry: npx tsx src/cli/main.ts units resolve "tp Can Tho" --as-of 2024-05-01');
            // Skipped reference rows are listed above; the demo itself succeeded.
            return ExitCode.ok;
          },
          { createDatabase: true },
        ),
      );
    });
}
