import { Option, type Command } from 'commander';
import { aggregate, type AggregateResult } from '../../aggregation/index.js';
import { today } from '../../dates.js';
import { NotFoundError } from '../../errors.js';
import { displayDecimal, jsonDecimal } from '../../numbers/decimal-text.js';
import { parsePeriod } from '../../periods/period.js';
import { loadIndicatorDecimals, type DecimalsOf } from '../../reference/indicator-decimals.js';
import { requireUnit, unitLabel } from '../../units/resolve.js';
import { ExitCode, withContext, type CliContext } from '../context.js';
import { runCommand } from '../run-command.js';
import { renderTable } from '../table.js';
import { printHistory } from './query-history.js';
import { parseKnownAt, printKnownAt } from './query-known-at.js';
import { parseDay } from './units.js';

interface QueryFlags {
  unit: string;
  period: string;
  asOf: string;
  level?: 'province' | 'commune';
  knownAt?: Date;
  history?: boolean;
  json?: boolean;
}

function printResult(ctx: CliContext, r: AggregateResult, measureUnit: string, decimalsOf: DecimalsOf): void {
  // Rounded as the catalogue says; "exact" is the JSON value (at most 12 decimals).
  const value = r.value === null ? `no value: ${r.reason ?? ''}` : `${displayDecimal(r.value, decimalsOf(r.indicator))} ${measureUnit} (exact ${jsonDecimal(r.value)})`;
  ctx.print(`${r.indicator} for ${r.unit.code} ${r.unit.name} in ${r.period}: ${value}`);
  for (const note of r.notes) ctx.print(`  note: ${note}`);
  if (r.inputs.length > 0) {
    ctx.print(`\nfrom ${r.inputs.length} stored observation(s):`);
    ctx.print(renderTable(['indicator', 'unit', 'period', 'value'], r.inputs.map((i) => [i.indicator, `${i.unitCode} ${i.unitName}`, i.period, displayDecimal(i.value, decimalsOf(i.indicator))])));
  }
}

/**
 * One indicator for one unit and period, rolled up and derived as the catalogue says, with its provenance; with
 * `--known-at`, the values stored at that instant instead; with `--history`, their changes.
 */
export async function runQuery(ctx: CliContext, indicator: string, flags: QueryFlags): Promise<number> {
  const period = parsePeriod(flags.period);
  const known = await ctx.db.selectFrom('indicator').select('measure_unit').where('code', '=', indicator).executeTakeFirst();
  if (!known) throw new NotFoundError('Indicator', indicator, 'Run `lgsp catalogue` for the codes.');
  const unit = await requireUnit(ctx.db, flags.unit, { asOf: flags.asOf, ...(flags.level ? { level: flags.level } : {}) });
  ctx.logger.debug({ unit: unitLabel(unit), period: period.code }, 'query');
  const key = { indicator, unit, period: period.code };
  const output = async () => ({ json: flags.json === true, decimalsOf: await loadIndicatorDecimals(ctx.db) });
  if (flags.history === true) return printHistory(ctx, key, await output());
  if (flags.knownAt !== undefined) return printKnownAt(ctx, key, flags.knownAt, await output());
  const result = await aggregate(ctx.db, { indicator, unitId: unit.id, period: period.code });
  if (flags.json === true) ctx.print(JSON.stringify({ ...result, value: result.value === null ? null : jsonDecimal(result.value) }, null, 2));
  else printResult(ctx, result, known.measure_unit, await loadIndicatorDecimals(ctx.db));
  return result.value === null ? ExitCode.failure : ExitCode.ok;
}

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('the value of an indicator for a unit and period, rolled up from communes, months and legacy units; with --known-at, the values the warehouse held at an instant; with --history, every change of them')
    .argument('<indicator>', 'indicator code, e.g. DVC_ONLINE_RATE')
    .requiredOption('--unit <unit>', 'unit code or name, e.g. 91 or "An Giang"')
    .requiredOption('--period <period>', '2025, 2025-Q1 or 2025-03')
    .option('--as-of <date>', 'the day that picks the unit version (91 is Kiên Giang before 2025-07-01, An Giang after); not when values were known', parseDay, today())
    .option(
      '--known-at <timestamp>',
      'the stored values (observed and computed) as the warehouse held them at this instant, from their revisions, e.g. 2025-08-01T08:00:00+07:00; '
        + 'a change is known from the start of the transaction that wrote it',
      parseKnownAt,
    )
    .addOption(new Option('--history', 'every change of the stored values instead: observed (connection, run, raw records) and computed (run)').conflicts('knownAt'))
    .addOption(new Option('--level <level>', 'only units of this level').choices(['province', 'commune']))
    .option('--json', 'machine-readable result (exact value as text)')
    .action(async (indicator: string, flags: QueryFlags) => {
      await runCommand(() => withContext((ctx) => runQuery(ctx, indicator, flags)));
    });
}
