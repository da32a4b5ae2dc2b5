import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { addUnitAlias, aliasLevels, aliasToJson, listUnitAliases, removeUnitAlias, type AliasLevel, type AliasSpelling } from '../../operations/unit-aliases.js';
import { ExitCode, type CliContext } from '../context.js';
import { auditCommandObject } from '../command-outcome.js';
import { positiveInt, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';
import { parseDay } from './units.js';

interface AddFlags {
  code: string;
  level?: AliasLevel;
  from?: string;
  to?: string;
  note?: string;
  json?: boolean;
}

const flagNames: AliasSpelling = { name: '<name>', code: '--code', level: '--level', from: '--from', to: '--to' };

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

const days = (from: string | null, to: string | null) => (from === null && to === null ? 'always' : `${from ?? '…'} to ${to ?? 'now'}`);

export async function runAliasAdd(ctx: CliContext, name: string, flags: AddFlags): Promise<number> {
  const alias = await addUnitAlias(ctx.db, { name, code: flags.code, level: flags.level, from: flags.from, to: flags.to, note: flags.note }, `os:${osUser()}`, flagNames);
  auditCommandObject(String(alias.id));
  if (flags.json === true) ctx.print(JSON.stringify(aliasToJson(alias), null, 2));
  else ctx.print(`alias ${alias.id}: "${alias.name}" means ${alias.level} ${alias.code} (${days(alias.valid_from, alias.valid_to)}). Check it with \`lgsp units resolve "${alias.name}"\`; records it fixes: \`lgsp rejected reprocess --code UNIT_NOT_FOUND\`.`);
  return ExitCode.ok;
}

export async function runAliasList(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const aliases = await listUnitAliases(ctx.db);
  if (flags.json === true) ctx.print(JSON.stringify(aliases.map(aliasToJson), null, 2));
  else if (aliases.length === 0) ctx.print('no stewards\' aliases; add one with `lgsp units alias add "<name>" --code <code>`');
  else ctx.print(renderTable(['id', 'name', 'level', 'code', 'days', 'by', 'note'], aliases.map((a) => [String(a.id), a.name, a.level, a.code, days(a.valid_from, a.valid_to), a.created_by, a.note ?? ''])));
  return ExitCode.ok;
}

export async function runAliasRemove(ctx: CliContext, id: number, flags: { json?: boolean }): Promise<number> {
  const alias = await removeUnitAlias(ctx.db, id);
  if (flags.json === true) ctx.print(JSON.stringify(aliasToJson(alias), null, 2));
  else ctx.print(`alias ${alias.id} removed: "${alias.name}" no longer means ${alias.level} ${alias.code}`);
  return ExitCode.ok;
}

/** `lgsp units alias add | list | remove`: stewards' aliases, kept in the warehouse (unit_alias). */
export function registerUnitAliasCommands(units: Command): void {
  const alias = units.command('alias').description('stewards\' aliases: names the resolvers take for a unit, on the days given');
  alias
    .command('add')
    .description('add a name that means a unit (from the next resolution on); refused when the code names no unit on those days')
    .argument('<name>', 'the name as sources write it, e.g. "Kien Giangg"')
    .requiredOption('--code <code>', 'the unit it means: 2 digits for a province, 5 for a commune')
    .addOption(new Option('--level <level>', 'default: from the code').choices(aliasLevels))
    .option('--from <date>', 'first day it holds (YYYY-MM-DD); default: always before', parseDay)
    .option('--to <date>', 'last day it holds (YYYY-MM-DD); default: still', parseDay)
    .option('--note <text>', 'why it was added, for the next steward')
    .option('--json', 'machine-readable result')
    .action(async (name: string, flags: AddFlags) => {
      await runOperatorCommand((ctx) => runAliasAdd(ctx, name, flags));
    });
  alias
    .command('list')
    .description('the stewards\' aliases')
    .option('--json', 'machine-readable result')
    .action(async (flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runAliasList(ctx, flags));
    });
  alias
    .command('remove')
    .description('remove an alias: the name stops resolving to its unit at once')
    .argument('<id>', 'the alias id (`lgsp units alias list`)', positiveInt('an alias id'))
    .option('--json', 'machine-readable result')
    .action(async (id: number, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runAliasRemove(ctx, id, flags));
    });
}
