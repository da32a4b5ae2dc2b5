import { displayDecimal } from '../../numbers/decimal-text.js';
import type { DecimalsOf } from '../../reference/indicator-decimals.js';
import type { ResolvedUnit } from '../../units/resolve.js';
import { computedHistory } from '../../warehouse/computed-history.js';
import { observationHistory, type RevisionRun } from '../../warehouse/observation-history.js';
import { ExitCode, type CliContext } from '../context.js';
import { renderTable } from '../table.js';

const runText = (run: RevisionRun | null) => (run === null ? 'none' : `${run.id}${run.mode === null ? '' : ` (${run.mode})`}`);

/**
 * `lgsp query ... --history`: every change of the key's observed value (connection, run, the raw records behind it)
 * and of its computed value (the run that recomputed it), oldest first. Exit 1 when the key has no history.
 */
export async function printHistory(ctx: CliContext, key: { indicator: string; unit: ResolvedUnit; period: string }, output: { json: boolean; decimalsOf: DecimalsOf }): Promise<number> {
  const id = { indicator: key.indicator, unitId: key.unit.id, period: key.period };
  const [observed, computed] = await Promise.all([observationHistory(ctx.db, id), computedHistory(ctx.db, id)]);
  const empty = observed.revisions.length === 0 && computed.revisions.length === 0;
  if (output.json) {
    ctx.print(JSON.stringify({ indicator: key.indicator, unit: key.unit, period: key.period, observed, computed }, null, 2));
    return empty ? ExitCode.failure : ExitCode.ok;
  }
  const head = `${key.indicator} for ${key.unit.code} ${key.unit.name} in ${key.period}`;
  if (empty) {
    ctx.print(`${head}: no history: no source reported it and no refresh computed it. \`lgsp query\` without --history computes it from what is there.`);
    return ExitCode.failure;
  }
  const value = (v: string | null) => (v === null ? '-' : displayDecimal(v, output.decimalsOf(key.indicator)));
  ctx.print(`${head}: history, oldest first`);
  if (observed.revisions.length > 0) {
    ctx.print('\nobserved:');
    ctx.print(renderTable(['changed at', 'change', 'old', 'new', 'status', 'connection', 'run', 'raw records'], observed.revisions.map((r) => [
      r.changedAt.toISOString(), r.change, value(r.oldValue), value(r.newValue), r.newStatus ?? r.oldStatus ?? '-', r.connection?.id ?? 'removed',
      runText(r.run), r.rawRecordIds === null ? 'not recorded' : r.rawRecordIds.join(' '),
    ])));
  }
  if (computed.revisions.length > 0) {
    ctx.print('\ncomputed:');
    ctx.print(renderTable(['changed at', 'change', 'old', 'new', 'run', 'notes'], computed.revisions.map((r) => [
      r.changedAt.toISOString(), r.change, value(r.oldValue), value(r.newValue), runText(r.run), r.notes.join('; '),
    ])));
  }
  return ExitCode.ok;
}
