import { accessSync, constants, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { locateSecretFile, publishedSecretRefusal, type SecretRef } from '../../boundary/secret-refs.js';
import type { BoundaryConfig } from '../../config/env.js';
import { secretRefsSchema, type SecretRefs } from '../../connector-sdk/secrets.js';
import {
  addConnection, checkConnection, checkNewConnection, connectionDetail, connectionToJson, deleteConnection, listConnectionsWithLastRun,
  type ConnectionSpelling,
} from '../../operations/connections.js';
import { describeSchedule } from '../../queue/schedules.js';
import { ExitCode, type CliContext } from '../context.js';
import { describeMode, runToJson } from '../../operations/runs.js';
import { formatTime, shortJson } from '../format-run.js';
import { UsageError } from '../../errors.js';
import { loadConnectors, note, requireConnection, runOperatorCommand, withSyncQueue } from '../operator.js';
import { renderTable } from '../table.js';
import { noteInvalidSchedules, parseScheduleSpec, scheduleFlags, schedulerText, scheduleText } from './schedule.js';

/** The flags of `connections add`, as the messages of the shared connection checks name them. */
const addFlags: ConnectionSpelling = {
  config: '--config',
  secretRefs: (names, prefix) => `${names.map((n) => `--secret ${n}=env:${prefix}…`).join(' ')} (or =file:<name in the secrets folder>)`,
  schedule: scheduleFlags,
};

// ---------------------------------------------------------------------------------------------------------------
// add

interface AddFlags {
  connector: string;
  name: string;
  config?: string;
  secret: string[];
  schedule?: string;
  json?: boolean;
}

/** `--config`: JSON text, or @path to a JSON file. Must be an object. */
export function parseConfigArgument(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let json = text;
  let where = '--config';
  if (text.startsWith('@')) {
    const path = text.slice(1);
    where = path;
    try {
      json = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new UsageError('CONNECTION_CONFIG_INVALID', `cannot read the config file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}): give a readable JSON file as --config @path, or the JSON itself.`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new UsageError('CONNECTION_CONFIG_INVALID', `${where} is not JSON (${(cause as Error).message}): write it as '{"baseUrl": "https://..."}' or give a file as --config @config.json.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('CONNECTION_CONFIG_INVALID', `${where} must be a JSON object of settings, e.g. '{"baseUrl": "https://..."}'.`);
  }
  return value as Record<string, unknown>;
}

/**
 * `--secret name=env:LGSP_SECRET_…` / `name=file:<name>`: the flag's syntax (a reference, each secret once) is checked here;
 * what the references must be (names the connector has, every one it needs) by `checkNewConnection`.
 */
export function parseSecretFlags(specs: readonly string[]): Record<string, unknown> {
  const refs: Record<string, unknown> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z0-9_.-]+)=(env|file):(.+)$/.exec(spec);
    if (!m) {
      throw new UsageError(
        'SECRET_REF_INVALID',
        `--secret "${spec.replace(/=.*/, '=…')}" is not a reference: write name=env:LGSP_SECRET_… (a variable the host publishes) or name=file:<name of a file in the secrets folder>. lgsp stores where a secret is, never the secret itself.`,
      );
    }
    const [, name = '', kind, where = ''] = m;
    if (refs[name] !== undefined) throw new UsageError('SECRET_REF_INVALID', `secret "${name}" is given twice: give each secret once.`);
    refs[name] = kind === 'env' ? { env: where } : { file: where };
  }
  return refs;
}

/** Where a secret reference leads in this shell: refused (outside what the host publishes), or whether it is there. */
function secretRefState(ref: SecretRef, boundary: BoundaryConfig): { where: string; missing: string | undefined; refused: boolean } {
  const where = 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file} of the secrets folder`;
  // Nothing is looked up for a reference outside the boundary: its existence is none of the connection's business.
  if (publishedSecretRefusal(ref, boundary) !== undefined) return { where, missing: undefined, refused: true };
  if ('env' in ref) return { where, missing: process.env[ref.env] ? undefined : 'is not set in this shell', refused: false };
  const location = locateSecretFile(ref.file, boundary);
  return { where, missing: location.kind === 'inside' && readable(location.path) ? undefined : 'cannot be read here', refused: false };
}

/** Where each secret comes from, and whether this shell can see it (never the value). */
function secretRefLines(refs: unknown, boundary: BoundaryConfig): string[] {
  const parsed = secretRefsSchema.safeParse(refs ?? {});
  if (!parsed.success) return ['unreadable references: remove the connection and add it again'];
  return Object.entries(parsed.data).map(([name, ref]) => {
    const state = secretRefState(ref, boundary);
    const status = state.refused ? 'outside what this host publishes to connections: syncs refuse it' : state.missing ?? ('env' in ref ? 'set in this shell' : 'readable here');
    return `${name}: ${state.where} (${status})`;
  });
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function warnUnreachableSecrets(id: string, refs: SecretRefs, boundary: BoundaryConfig): void {
  for (const [name, ref] of Object.entries(refs)) {
    const state = secretRefState(ref, boundary);
    if (state.missing !== undefined) note(`note: secret "${name}" of ${id} comes from ${state.where}, which ${state.missing}; the sync workers need it in their environment.`);
  }
}

export async function runConnectionsAdd(ctx: CliContext, id: string, flags: AddFlags): Promise<number> {
  const registry = await loadConnectors(ctx);
  const checked = await checkNewConnection(ctx.db, registry, ctx.config.boundary, {
    id,
    connector: flags.connector,
    name: flags.name,
    config: parseConfigArgument(flags.config),
    secretRefs: parseSecretFlags(flags.secret),
    schedule: flags.schedule === undefined ? null : parseScheduleSpec(flags.schedule),
  }, addFlags);
  // With a schedule, Redis must answer before anything is written, so the connection is never half added.
  const added = checked.schedule === null ? await addConnection(ctx.db, checked, null) : await withSyncQueue(ctx, (queue) => addConnection(ctx.db, checked, queue));
  noteInvalidSchedules(added.invalid);
  warnUnreachableSecrets(id, checked.secretRefs, ctx.config.boundary);
  if (flags.json === true) {
    ctx.print(JSON.stringify({ ...connectionToJson(added.connection), scheduler: added.scheduler }, null, 2));
  } else {
    ctx.print(`added connection ${id} (connector ${checked.connector.id}, "${flags.name}")`);
    ctx.print(`schedule: ${checked.schedule ? `${describeSchedule(checked.schedule)}, ${schedulerText(added.scheduler, false)}` : 'none (set one with `lgsp schedule set`)'}`);
    ctx.print(`next: \`lgsp connections check ${id}\` proves the source answers with these settings and secrets.`);
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------------------------
// list, show

export async function runConnectionsList(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const connections = await listConnectionsWithLastRun(ctx.db);
  if (flags.json === true) {
    ctx.print(JSON.stringify(connections.map(({ connection, lastRun }) => ({ ...connectionToJson(connection), lastRun: lastRun ? runToJson(lastRun) : null })), null, 2));
    return ExitCode.ok;
  }
  if (connections.length === 0) {
    ctx.print('no connections yet: add one with `lgsp connections add <id> --connector <connector> --name <text> --config <json>`');
    return ExitCode.ok;
  }
  const rows = connections.map(({ connection: c, lastRun: r }) =>
    [c.id, c.connector_id, c.name, scheduleText(c), c.paused ? 'yes' : 'no', r ? `${r.status} (run ${r.id})` : '-', r ? formatTime(r.finished_at ?? r.started_at ?? r.queued_at) : '-']);
  ctx.print(renderTable(['id', 'connector', 'name', 'schedule', 'paused', 'last run', 'at'], rows));
  return ExitCode.ok;
}

export async function runConnectionsShow(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const { connection: c, runs, cursors } = await connectionDetail(ctx.db, id);
  if (flags.json === true) {
    ctx.print(
      JSON.stringify(
        {
          ...connectionToJson(c),
          runs: runs.map((r) => runToJson(r)),
          cursors: cursors.map((s) => ({ ...s, updatedAt: s.updatedAt.toISOString() })),
        },
        null,
        2,
      ),
    );
    return ExitCode.ok;
  }
  ctx.print(`connection ${c.id}: "${c.name}"`);
  ctx.print(`connector: ${c.connector_id}`);
  ctx.print(`schedule: ${scheduleText(c)}${c.paused ? ' (paused)' : ''}`);
  ctx.print(`created ${formatTime(c.created_at)}, updated ${formatTime(c.updated_at)}`);
  ctx.print('config:');
  for (const line of JSON.stringify(c.config, null, 2).split('\n')) ctx.print(`  ${line}`);
  ctx.print('secrets (references only; values are never stored):');
  const refs = secretRefLines(c.secret_refs, ctx.config.boundary);
  for (const line of refs.length > 0 ? refs : ['none']) ctx.print(`  ${line}`);
  ctx.print('');
  if (runs.length === 0) ctx.print(`no runs yet: start one with \`lgsp sync ${id} --wait\``);
  else {
    ctx.print(`last ${runs.length} run(s):`);
    ctx.print(renderTable(['run', 'mode', 'status', 'queued', 'fetched', 'rejected', 'obs +/~', 'error'], runs.map((r) => [
      String(r.id), describeMode(r), r.status, formatTime(r.queued_at), String(r.records_fetched), String(r.records_rejected),
      `+${r.observations_inserted} ~${r.observations_updated}`, (r.error as { code?: string } | null)?.code ?? '',
    ])));
  }
  ctx.print('');
  if (cursors.length === 0) ctx.print('stream cursors: none yet (the next sync reads everything)');
  else {
    ctx.print('stream cursors (where the next incremental sync starts):');
    ctx.print(renderTable(['stream', 'cursor', 'by run', 'updated'], cursors.map((s) => [s.stream, shortJson(s.cursor, 80), s.runId === null ? '-' : String(s.runId), formatTime(s.updatedAt)])));
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------------------------
// remove

/** Removes a connection (see `deleteConnection`) and its job scheduler. */
export async function runConnectionsRemove(ctx: CliContext, id: string, flags: { force?: boolean; json?: boolean }): Promise<number> {
  await requireConnection(ctx, id);
  return withSyncQueue(ctx, async (queue) => {
    const { invalid, ...report } = await deleteConnection(ctx.db, queue, id, { force: flags.force === true });
    noteInvalidSchedules(invalid);
    if (flags.json === true) ctx.print(JSON.stringify(report, null, 2));
    else {
      const d = report.deleted;
      ctx.print(`removed connection ${id} and its schedule; deleted ${d.runs} run(s), ${d.rawRecords} raw record(s), ${d.rejectedRecords} rejected record(s), ${d.cursors} cursor(s)`);
      const kept = Object.entries(report.detached).map(([table, n]) => `${n} ${table} row(s)`);
      if (kept.length > 0) ctx.print(`kept in the warehouse, detached from the connection: ${kept.join(', ')}`);
    }
    return ExitCode.ok;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// check

/** Runs the connector's check with the connection's real config and secrets: exit 0 when it works, 1 with the reason. */
export async function runConnectionsCheck(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  await requireConnection(ctx, id);
  const result = await checkConnection(ctx.db, await loadConnectors(ctx), id, ctx.logger, ctx.config.boundary);
  const next = `fix the cause (settings: \`lgsp connections show ${id}\`; secrets must be set where the command and the workers run), then run \`lgsp connections check ${id}\` again.`;
  if (flags.json === true) ctx.print(JSON.stringify({ ...result, ...(result.ok ? {} : { next }) }, null, 2));
  else if (result.ok) ctx.print(`connection ${id} (${result.connector}) works: ${result.message}`);
  if (!result.ok) {
    note(`error [${result.code ?? 'CHECK_FAILED'}]: connection ${id} (${result.connector}) does not work: ${result.message}`);
    for (const cause of result.causes ?? []) note(`  cause: ${cause}`);
    note(`next: ${next}`);
    return ExitCode.failure;
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------------------------

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerConnectionsCommands(program: Command): void {
  const connections = program.command('connections').description('connections: a connector with its settings, secret references and schedule');
  connections
    .command('add')
    .description('add a connection, checking its config against the connector and its secret references (exit 2 when they do not fit)')
    .argument('<id>', 'connection id: lowercase letters, digits and dashes, e.g. dvc-an-giang')
    .requiredOption('--connector <connectorId>', 'installed connector id (see the error for the list)')
    .requiredOption('--name <text>', 'a name for people')
    .option('--config <json|@file>', "settings as JSON, or @file.json; checked against the connector's schema")
    .option('--secret <name=env:LGSP_SECRET_…|name=file:NAME>', 'where a secret lives (repeat per secret): a variable the host publishes (LGSP_SECRET_ENV_PREFIX) or a file in its secrets folder (LGSP_SECRETS_DIR); values are never stored', collect, [])
    .option('--schedule <spec>', '"cron=0 2 * * *,tz=Asia/Ho_Chi_Minh" or "every=60" (minutes)')
    .option('--json', 'machine-readable result')
    .action(async (id: string, flags: AddFlags) => {
      await runOperatorCommand((ctx) => runConnectionsAdd(ctx, id, flags));
    });
  connections
    .command('list')
    .description('every connection with its schedule and last run')
    .option('--json', 'machine-readable result')
    .action(async (flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runConnectionsList(ctx, flags));
    });
  connections
    .command('show')
    .description('a connection: config, secret references (never values), schedule, last 5 runs, stream cursors')
    .argument('<id>', 'connection id')
    .option('--json', 'machine-readable result')
    .action(async (id: string, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runConnectionsShow(ctx, id, flags));
    });
  connections
    .command('remove')
    .description('remove a connection and its schedule (refused while it syncs; --force when it has observations)')
    .argument('<id>', 'connection id')
    .option('--force', 'also when its observations are in the warehouse: they stay, detached from the connection')
    .option('--json', 'machine-readable result')
    .action(async (id: string, flags: { force?: boolean; json?: boolean }) => {
      await runOperatorCommand((ctx) => runConnectionsRemove(ctx, id, flags));
    });
  connections
    .command('check')
    .description("run the connector's check with the real config and secrets: exit 0 when it works, 1 with the reason")
    .argument('<id>', 'connection id')
    .option('--json', 'machine-readable result')
    .action(async (id: string, flags: { json?: boolean }) => {
      await runOperatorCommand((ctx) => runConnectionsCheck(ctx, id, flags));
    });
}
