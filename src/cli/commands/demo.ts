import type { Command } from 'commander';
import { loadReferenceData } from '../../reference/load-reference.js';
import { resolveUnit, unitLabel } from '../../units/resolve.js';
import { migrateToLatest } from '../../warehouse/migrate.js';
import { ExitCode, withContext } from '../context.js';
import { runCommand } from '../run-command.js';
import { printCatalogue } from './catalogue.js';
import { printLoadReport } from './reference.js';

/** Codes are reused and names change owners: 91 and "An Giang" mean other territories before and after 2025-07-01. */
const resolutionExamples = [
  ['91', '2024-05-01'],
  ['91', '2025-08-01'],
  ['An Giang', '2024-05-01'],
  ['Kien Giang', '2025-08-01'],
  ['TP.HCM', '2025-08-01'],
  ['tp Can Tho', '2024-05-01'],
] as const;

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
            ctx.print('\n== 4. Names resolve as of a date');
            for (const [text, asOf] of resolutionExamples) {
              const r = await resolveUnit(ctx.db, text, { asOf });
              ctx.print(`  ${JSON.stringify(text).padEnd(18)} on ${asOf}: ${r.ok ? `${r.unit.level} ${unitLabel(r.unit)}` : r.reason}`);
            }
            ctx.print('\nNext: npx tsx src/cli/main.ts units resolve "<name>" --as-of <date>, or `query <indicator> --unit <unit> --period <p>`');
            // Skipped reference rows are listed above; the demo itself succeeded.
            return ExitCode.ok;
          },
          { createDatabase: true },
        ),
      );
    });
}
