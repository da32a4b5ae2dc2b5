import { Option, type Command } from 'commander';
import { groupRejected, rejectionStates, type RejectionState } from '../../operations/rejection-groups.js';
import { listRejected, rejectedToJson } from '../../operations/rejections.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatLocation } from '../format-run.js';
import { positiveInt, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';
import { registerReprocessCommand } from './reprocess.js';

interface RejectedFlags {
  connection?: string;
  run?: number;
  code?: string;
  status: RejectionState;
  group?: boolean;
  limit: number;
  json?: boolean;
}

/** Records the normaliser refused, newest first, with reason, code and where they sit in the source. */
export async function runRejectedList(ctx: CliContext, flags: RejectedFlags): Promise<number> {
  if (flags.group === true) return runRejectedGroups(ctx, flags);
  const { records: rows, total } = await listRejected(ctx.db, { connectionId: flags.connection, runId: flags.run, code: flags.code, state: flags.status, limit: flags.limit });
  if (flags.json === true) {
    ctx.print(JSON.stringify(rows.map(rejectedToJson), null, 2));
    return ExitCode.ok;
  }
  if (rows.length === 0) {
    ctx.print(`no ${flags.status === 'all' ? '' : `${flags.status} `}rejected records match`);
    return ExitCode.ok;
  }
  ctx.print(
    renderTable(
      ['id', 'run', 'connection', 'stream', 'code', 'location', 'reason'],
      rows.map((r) => [String(r.id), r.sync_run_id === null ? '-' : String(r.sync_run_id), r.connection_id, r.stream ?? '-', r.code, formatLocation(r.location), r.reason]),
    ),
  );
  const shown = rows.length < total ? `${rows.length} of ${total} (newest first; --limit N for more)` : `${total}`;
  ctx.print(`${shown} rejected record(s)${flags.status === 'open' ? '' : ` (${flags.status})`}; the payloads are in \`--json\`. After fixing the source or the normaliser: \`lgsp sync\` or \`lgsp replay <run>\`; a unit name: \`lgsp units alias add\`, then \`lgsp rejected reprocess\`.`);
  return ExitCode.ok;
}

/** The rejected records grouped by code and reason, the largest groups first: what to fix first. */
async function runRejectedGroups(ctx: CliContext, flags: RejectedFlags): Promise<number> {
  const groups = await groupRejected(ctx.db, { connectionId: flags.connection, runId: flags.run, code: flags.code, state: flags.status });
  if (flags.json === true) {
    ctx.print(JSON.stringify(groups, null, 2));
    return ExitCode.ok;
  }
  if (groups.length === 0) {
    ctx.print(`no ${flags.status === 'all' ? '' : `${flags.status} `}rejected records match`);
    return ExitCode.ok;
  }
  ctx.print(renderTable(['count', 'code', 'connections', 'reason'], groups.map((g) => [String(g.count), g.code, g.connections.join(', '), g.reason])));
  const total = groups.reduce((n, g) => n + g.count, 0);
  ctx.print(`${total} rejected record(s) in ${groups.length} group(s). The records of a group: \`lgsp rejected list --code <code>\`; after a fix: \`lgsp rejected reprocess --code <code>\`.`);
  return ExitCode.ok;
}

export function registerRejectedCommands(program: Command): void {
  const rejected = program.command('rejected').description('records the normalisers refused, with the reason and where they are in the source');
  rejected
    .command('list')
    .description('rejected records, newest first (payloads with --json); --group counts them by code and reason')
    .option('--connection <id>', 'only of this connection')
    .option('--run <run>', 'only of this run', positiveInt('a run id'))
    .option('--code <code>', 'only with this code, e.g. NEGATIVE_COUNT, UNIT_NOT_FOUND')
    .addOption(new Option('--status <status>', 'open: not yet resolved; resolved: normalised by a reprocess since').choices(rejectionStates).default('open'))
    .option('--group', 'count them by code and reason, the largest groups first')
    .option('--limit <n>', 'how many', positiveInt('a number of records'), 50)
    .option('--json', 'machine-readable result, with each payload')
    .action(async (flags: RejectedFlags) => {
      await runOperatorCommand((ctx) => runRejectedList(ctx, flags));
    });
  registerReprocessCommand(rejected);
}
