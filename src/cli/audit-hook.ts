import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { outcomeOfExit } from '../audit/outcome.js';
import { loadConfig } from '../config/env.js';
import { appendAuditEntry, type NewAuditEntry } from '../warehouse/audit-log.js';
import { createDb, type Db } from '../warehouse/database.js';
import { commandAudits, unaudited, type CommandAudit } from './audit-actions.js';
import { commandOutcome } from './command-outcome.js';
import { ExitCode } from './context.js';

/** `connections add`: the names from the root down, without the program's. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command = command; c.parent !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The OS user; a container without a passwd entry for its uid has none, and gets the uid. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? `uid:${String(process.getuid?.() ?? '?')}`;
  }
}

/** The flags given on the command line, never their values (a flag may carry a config or a path). */
function givenFlags(command: Command): string[] {
  return command.options
    .filter((o) => command.getOptionValueSource(o.attributeName()) === 'cli')
    .map((o) => o.long ?? o.short ?? o.attributeName());
}

function objectIdOf(command: Command, audit: CommandAudit): string | null {
  if (commandOutcome.objectId !== null) return commandOutcome.objectId;
  if (audit.idArg === undefined) return null;
  const value: unknown = command.processedArgs[audit.idArg];
  return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 200) : null;
}

function entryOf(command: Command, audit: CommandAudit, exitCode: number): NewAuditEntry {
  return {
    channel: 'cli',
    actor: osUser(),
    actorName: null,
    client: hostname(),
    action: audit.action,
    objectType: audit.object ?? null,
    objectId: objectIdOf(command, audit),
    outcome: outcomeOfExit(exitCode, commandOutcome.refused),
    status: null,
    exitCode,
    errorCode: commandOutcome.errorCode,
    method: null,
    route: null,
    fields: givenFlags(command),
  };
}

/** Appends the entry on a connection of its own; a failure is a warning on stderr, never a different exit code. */
async function record(entry: NewAuditEntry): Promise<void> {
  let db: Db | undefined;
  try {
    db = createDb(loadConfig().databaseUrl, { max: 1 });
    await appendAuditEntry(db, entry);
  } catch (error) {
    const missing = (error as { code?: unknown }).code === '42P01';
    const reason = missing ? 'the warehouse has no audit_log table yet: run `lgsp migrate`' : `${error instanceof Error ? error.message : String(error)}; check that PostgreSQL is reachable`;
    process.stderr.write(`warning [AUDIT_NOT_RECORDED]: this command was not recorded in the audit log: ${reason}.\n`);
  } finally {
    await db?.destroy();
  }
}

/**
 * Records every state-changing command in the audit log, in one place: after its action, with the OS user, the
 * host, its outcome and exit code. Not recorded: bad usage commander refuses before the action (nothing ran), and
 * commands that could not reach the warehouse or had no valid configuration (exit 69, 78: there is nowhere to write).
 */
export function registerCliAudit(program: Command): void {
  program.hook('postAction', async (_program, command) => {
    const path = commandPath(command);
    if (unaudited.has(path)) return;
    const exitCode = Number(process.exitCode ?? ExitCode.ok);
    if (exitCode === ExitCode.unavailable || exitCode === ExitCode.config) return;
    await record(entryOf(command, commandAudits[path] ?? { action: `cli.${path.replace(/ /g, '.')}` }, exitCode));
  });
}
