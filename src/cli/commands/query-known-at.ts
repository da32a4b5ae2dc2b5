import { InvalidArgumentError } from 'commander';
import { displayDecimal, jsonDecimal } from '../../numbers/decimal-text.js';
import type { DecimalsOf } from '../../reference/indicator-decimals.js';
import type { ResolvedUnit } from '../../units/resolve.js';
import type { Db } from '../../warehouse/database.js';
import { knownAtSchema } from '../../warehouse/known-at.js';
import { readValuePage, type ValueItem } from '../../warehouse/observation-pages.js';
import { ExitCode, type CliContext } from '../context.js';

/** commander's parser for `--known-at`: an ISO date-time with its offset. */
export function parseKnownAt(text: string): Date {
  const parsed = knownAtSchema.safeParse(text);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'expected an ISO date-time with its offset');
  return parsed.data;
}

/** The observed and computed values the warehouse held for one key at `knownAt` (each null when it held none). */
async function valuesKnownAt(db: Db, key: { indicator: string; unitId: number; period: string }, knownAt: Date) {
  const page = await readValuePage(db, { indicator: key.indicator, unitId: key.unitId, periods: [key.period], kind: null, knownAt }, null, 2);
  const of = (kind: ValueItem['kind']) => page.items.find((i) => i.kind === kind) ?? null;
  return { observed: of('observed'), computed: of('computed') };
}

function describeItem(item: ValueItem, decimalsOf: DecimalsOf): string {
  const value = `${displayDecimal(item.value, decimalsOf(item.indicator))} ${item.measureUnit} (exact ${jsonDecimal(item.value)})`;
  const source = item.kind === 'observed' ? `${item.status ?? ''}, connection ${item.connectionId ?? 'removed'}, ` : '';
  return `${item.kind}: ${value}; ${source}run ${item.runId ?? 'none'}, changed ${item.updatedAt.toISOString()}`;
}

/**
 * `lgsp query ... --known-at`: the stored values at that instant (read from the revisions), not a computation
 * from today's observations. Exit 1 when the warehouse held neither value then.
 */
export async function printKnownAt(ctx: CliContext, key: { indicator: string; unit: ResolvedUnit; period: string }, knownAt: Date, output: { json: boolean; decimalsOf: DecimalsOf }): Promise<number> {
  const { observed, computed } = await valuesKnownAt(ctx.db, { indicator: key.indicator, unitId: key.unit.id, period: key.period }, knownAt);
  const head = `${key.indicator} for ${key.unit.code} ${key.unit.name} in ${key.period}, as known at ${knownAt.toISOString()}`;
  if (output.json) {
    const body = (item: ValueItem | null) => item && { ...item, value: jsonDecimal(item.value), updatedAt: item.updatedAt.toISOString() };
    ctx.print(JSON.stringify({ indicator: key.indicator, unit: key.unit, period: key.period, knownAt: knownAt.toISOString(), observed: body(observed), computed: body(computed) }, null, 2));
  } else if (observed === null && computed === null) {
    ctx.print(`${head}: no value. The warehouse held none then; drop --known-at for today's.`);
  } else {
    ctx.print(`${head}:`);
    for (const item of [observed, computed]) if (item) ctx.print(`  ${describeItem(item, output.decimalsOf)}`);
  }
  return observed === null && computed === null ? ExitCode.failure : ExitCode.ok;
}
