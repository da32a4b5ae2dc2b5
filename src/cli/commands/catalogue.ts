import type { Command } from 'commander';
import { describeTarget, listIndicators, listTargets } from '../../reference/catalogue-queries.js';
import type { Indicator } from '../../warehouse/schema.js';
import { ExitCode, withContext, type CliContext } from '../context.js';
import { runCommand } from '../run-command.js';
import { renderTable } from '../table.js';

function aggregationText(i: Indicator): string {
  if (i.derivation === 'ratio') return `${i.factor ?? ''} x ${(i.numerator ?? []).join('+')} / ${(i.denominator ?? []).join('+')}`;
  if (i.derivation === 'growth') return `growth of ${(i.numerator ?? []).join('')} x ${i.factor ?? ''}`;
  const units = i.unit_aggregation === 'weighted_mean' ? `weighted by ${i.weight_indicator ?? ''}` : i.unit_aggregation;
  return `units: ${units}; periods: ${i.period_aggregation}`;
}

/** Prints the catalogue and the targets the warehouse holds. */
export async function printCatalogue(ctx: CliContext, json: boolean): Promise<number> {
  const [indicators, targets] = await Promise.all([listIndicators(ctx.db), listTargets(ctx.db)]);
  if (json) {
    ctx.print(JSON.stringify({ indicators, targets }, null, 2));
    return ExitCode.ok;
  }
  ctx.print(`Indicator catalogue (${indicators.length})\n`);
  ctx.print(renderTable(['code', 'name', 'unit', 'decimals', 'aggregation'], indicators.map((i) => [i.code, i.name_vi, i.measure_unit, String(i.decimals), aggregationText(i)])));
  ctx.print(`\nTargets (${targets.length})\n`);
  ctx.print(
    renderTable(
      ['province', 'indicator', 'year', 'target', 'document'],
      targets.map((t) => [`${t.unitCode} ${t.unitName}`, t.indicatorCode, String(t.year), describeTarget(t), t.document.number ?? t.document.id]),
    ),
  );
  return ExitCode.ok;
}

export function registerCatalogueCommand(program: Command): void {
  program
    .command('catalogue')
    .description('print the indicator catalogue and the targets held in the warehouse')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await runCommand(() => withContext((ctx) => printCatalogue(ctx, opts.json === true)));
    });
}
