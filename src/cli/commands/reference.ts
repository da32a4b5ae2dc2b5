import type { Command } from 'commander';
import { loadReferenceData, type ReferenceLoadReport } from '../../reference/load-reference.js';
import { formatProblem } from '../../reference/problems.js';
import type { UpsertCounts } from '../../warehouse/upsert.js';
import { ExitCode, withContext, type CliContext } from '../context.js';
import { runCommand } from '../run-command.js';
import { renderTable } from '../table.js';

const shownProblems = 20;

function countsRow(name: string, c: UpsertCounts & { removed?: number }): string[] {
  return [name, String(c.inserted), String(c.updated), String(c.unchanged), String(c.removed ?? 0)];
}

export function printLoadReport(ctx: CliContext, report: ReferenceLoadReport): void {
  const rows = [
    countsRow('indicators', report.indicators),
    ...Object.entries(report.adminUnits.counts).map(([table, c]) => countsRow(table, c)),
    countsRow('target documents', report.targets.documents),
    countsRow('targets', report.targets.targets),
  ];
  ctx.print(renderTable(['reference data', 'inserted', 'updated', 'unchanged', 'removed'], rows));
  for (const note of report.adminUnits.notes) ctx.print(`note: ${note}`);
  if (report.problems.length > 0) {
    ctx.print(`\n${report.problems.length} problem(s) in the input; each says what was skipped, everything else loaded:`);
    for (const p of report.problems.slice(0, shownProblems)) ctx.print(`  ${formatProblem(p)}`);
    if (report.problems.length > shownProblems) ctx.print(`  ... and ${report.problems.length - shownProblems} more (--json lists them all)`);
  }
  ctx.print(`\nloaded in ${(report.durationMs / 1000).toFixed(1)} s`);
}

const held = (c: UpsertCounts) => (c.inserted + c.updated + c.unchanged).toLocaleString('en');

/** The load in a few lines, for a report that goes on to other things (the demo). */
export function printLoadSummary(ctx: CliContext, report: ReferenceLoadReport): void {
  const units = report.adminUnits.counts;
  ctx.print(`  reference: ${held(report.indicators)} indicators, ${held(units.admin_unit)} administrative units (${held(units.admin_unit_succession)} successions), ${held(report.targets.targets)} targets from ${held(report.targets.documents)} documents; loaded in ${(report.durationMs / 1000).toFixed(1)} s`);
  for (const note of report.adminUnits.notes) ctx.print(`  note: ${note}`);
  if (report.problems.length > 0) ctx.print(`  ${report.problems.length} row(s) of the input were skipped, everything else loaded: \`lgsp reference load\` lists each with its reason.`);
}

/** Loads the reference data and reports it; exit 3 when some rows were skipped. */
export async function runReferenceLoad(ctx: CliContext, dir: string | undefined, json: boolean): Promise<number> {
  const report = await loadReferenceData(ctx.db, { adminUnitsDir: dir ?? ctx.config.adminUnitsDir, logger: ctx.logger });
  if (json) ctx.print(JSON.stringify(report, null, 2));
  else printLoadReport(ctx, report);
  return report.problems.length > 0 ? ExitCode.partial : ExitCode.ok;
}

export function registerReferenceCommands(program: Command): void {
  const reference = program.command('reference').description('reference data: indicators, targets, administrative units');
  reference
    .command('load')
    .description('load the catalogue, targets and administrative units (idempotent)')
    .option('--path <dir>', 'folder with the administrative-unit files (default: LGSP_ADMIN_UNITS_DIR)')
    .option('--json', 'machine-readable report')
    .action(async (opts: { path?: string; json?: boolean }) => {
      await runCommand(() => withContext((ctx) => runReferenceLoad(ctx, opts.path, opts.json === true)));
    });
}
