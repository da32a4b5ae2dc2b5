import { InvalidArgumentError, type Command } from 'commander';
import { momentSchema } from '../../audit/moment.js';
import { listAuditEntries, type AuditEntry } from '../../warehouse/audit-log.js';
import { auditOutcomes, type AuditOutcome } from '../../warehouse/schema.js';
import { ExitCode, type CliContext } from '../context.js';
import { formatTime } from '../format-run.js';
import { positiveInt, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';

interface ListFlags {
  actor?: string;
  action?: string;
  object?: string;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
  limit: number;
  json?: boolean;
}

function parseMoment(text: string): Date {
  const parsed = momentSchema.safeParse(text);
  if (!parsed.success) throw new InvalidArgumentError('expected a date YYYY-MM-DD (its start in UTC) or a date-time with its offset, e.g. 2025-08-01T08:00:00+07:00');
  return parsed.data;
}

function parseOutcome(text: string): AuditOutcome {
  const found = auditOutcomes.find((o) => o === text);
  if (found === undefined) throw new InvalidArgumentError(`expected one of ${auditOutcomes.join(', ')}`);
  return found;
}

const actorOf = (e: AuditEntry) => (e.actor === null ? '(no valid key)' : e.actorName === null ? e.actor : `${e.actorName} (${e.actor})`);
const objectOf = (e: AuditEntry) => (e.objectType === null ? '-' : `${e.objectType} ${e.objectId ?? '?'}`);
const resultOf = (e: AuditEntry) => `${e.outcome} ${e.channel === 'api' ? `HTTP ${e.status ?? '?'}` : `exit ${e.exitCode ?? '?'}`}${e.errorCode === null ? '' : ` ${e.errorCode}`}`;

/** The newest audit entries matching the flags, as a table or JSON. */
export async function runAuditList(ctx: CliContext, flags: ListFlags): Promise<number> {
  const entries = await listAuditEntries(ctx.db, {
    actor: flags.actor, action: flags.action, objectType: flags.object, outcome: flags.outcome, since: flags.since, until: flags.until, limit: flags.limit,
  });
  if (flags.json === true) {
    ctx.print(JSON.stringify(entries.map((e) => ({ ...e, at: e.at.toISOString() })), null, 2));
    return ExitCode.ok;
  }
  if (entries.length === 0) {
    ctx.print('no audit entries match: loosen the filters, or check that the actions ran against this warehouse (DATABASE_URL)');
    return ExitCode.ok;
  }
  ctx.print(renderTable(['id', 'at', 'via', 'actor', 'from', 'action', 'object', 'outcome'], entries.map((e) => [
    String(e.id), formatTime(e.at), e.channel, actorOf(e), e.client, e.action, objectOf(e), resultOf(e),
  ])));
  if (entries.length === flags.limit) ctx.print(`(the ${flags.limit} newest; --limit N or --until ${entries[entries.length - 1]?.at.toISOString() ?? ''} for more)`);
  return ExitCode.ok;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log: every state-changing API call and command, who, what, from where, how it ended');
  audit
    .command('list')
    .description('the newest entries, optionally filtered')
    .option('--actor <who>', 'an API key id or name, or an OS user')
    .option('--action <action>', 'an action, e.g. connection.create, or a family, e.g. "webhook.*"')
    .option('--object <type>', 'the kind of object acted on, e.g. connection, apikey, webhook')
    .option('--outcome <outcome>', auditOutcomes.join(', '), parseOutcome)
    .option('--since <when>', 'from this date (UTC) or date-time with offset', parseMoment)
    .option('--until <when>', 'before this date (UTC) or date-time with offset', parseMoment)
    .option('--limit <n>', 'how many', positiveInt('a number of entries'), 50)
    .option('--json', 'machine-readable result')
    .action(async (flags: ListFlags) => {
      await runOperatorCommand((ctx) => runAuditList(ctx, flags));
    });
}
