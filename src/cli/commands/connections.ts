import { accessSync, constants, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { secretRefSchema, type SecretRefs } from '../../connector-sdk/secrets.js';
import type { ConnectorDefinition } from '../../connector-sdk/types.js';
import { describeError, type SyncRun } from '../../warehouse/sync-runs.js';
import { connectorContext } from '../../pipeline/run-sync.js';
import { describeSchedule, type Schedule } from '../../queue/schedules.js';
import { findConnection, insertConnection, listConnections, type Connection } from '../../warehouse/connections.js';
import { ConnectionRemovalRefused, removeConnection, type ConnectionRemoval } from '../../warehouse/connection-removal.js';
import { ExitCode, type CliContext } from '../context.js';
import { describeMode, formatTime, runToJson, shortJson } from '../format-run.js';
import { ConflictError, loadConnectors, note, requireConnection, runOperatorCommand, UsageError, withSyncQueue } from '../operator.js';
import { renderTable } from '../table.js';
import { applySchedules, parseScheduleSpec, schedulerText, scheduleText, storedSchedule, type SchedulerState } from './schedule.js';

const idPattern = /^[a-z0-9][a-z0-9-]*$/;

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

function configError(connectorId: string, problems: readonly string[]): UsageError {
  return new UsageError('CONNECTION_CONFIG_INVALID', `the config does not fit connector ${connectorId}: ${problems.join('; ')}. Fix --config and run the command again.`);
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
 * Checks a config against the connector's zod schema, naming each field that is wrong. Keys the schema does not
 * know are errors too (zod would drop them silently, so a misspelt setting would be lost).
 */
export function validateConfig(connector: ConnectorDefinition, config: Record<string, unknown>): void {
  const problems: string[] = [];
  const shape = (connector.configSchema as { shape?: unknown }).shape;
  const known = shape !== null && typeof shape === 'object' ? Object.keys(shape) : null;
  if (known) {
    for (const key of Object.keys(config)) {
      if (!known.includes(key)) problems.push(`${key}: not a setting of connector ${connector.id} (its settings: ${known.join(', ')})`);
    }
  }
  const parsed = connector.configSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (known && issue.code === 'unrecognized_keys') continue;
      problems.push(`${issue.path.join('.') || 'config'}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw configError(connector.id, problems);
}

/** `--secret name=env:VAR` / `name=file:/path`: references only; every secret the connector declares. */
export function parseSecretRefs(connector: ConnectorDefinition, specs: readonly string[]): SecretRefs {
  const refs: SecretRefs = {};
  for (const spec of specs) {
    const m = /^([A-Za-z0-9_.-]+)=(env|file):(.+)$/.exec(spec);
    if (!m) {
      throw new UsageError(
        'SECRET_REF_INVALID',
        `--secret "${spec.replace(/=.*/, '=…')}" is not a reference: write name=env:VARIABLE or name=file:/path. lgsp stores where a secret is, never the secret itself.`,
      );
    }
    const [, name = '', kind, where = ''] = m;
    if (!connector.secrets.includes(name)) {
      throw new UsageError('SECRET_REF_INVALID', `connector ${connector.id} has no secret "${name}": its secrets are ${connector.secrets.join(', ') || 'none'}.`);
    }
    if (refs[name]) throw new UsageError('SECRET_REF_INVALID', `secret "${name}" is given twice: give each secret once.`);
    const parsed = secretRefSchema.safeParse(kind === 'env' ? { env: where } : { file: where });
    if (!parsed.success) throw new UsageError('SECRET_REF_INVALID', `--secret ${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}.`);
    refs[name] = parsed.data;
  }
  const missing = connector.secrets.filter((s) => !refs[s]);
  if (missing.length > 0) {
    throw new UsageError(
      'SECRET_MISSING',
      `connector ${connector.id} needs secret${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')}: add ${missing.map((s) => `--secret ${s}=env:VARIABLE`).join(' ')} (or =file:/path). The value stays in that variable or file.`,
    );
  }
  return refs;
}

/** Where each secret comes from, and whether this shell can see it (never the value). */
function secretRefLines(refs: unknown): string[] {
  return Object.entries((refs ?? {}) as Record<string, { env?: string; file?: string }>).map(([name, ref]) =>
    ref.env !== undefined
      ? `${name}: environment variable ${ref.env} (${process.env[ref.env] ? 'set' : 'not set'} in this shell)`
      : `${name}: file ${ref.file ?? '?'} (${readable(ref.file) ? 'readable' : 'not readable'} here)`,
  );
}

function readable(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function warnUnreachableSecrets(id: string, refs: SecretRefs): void {
  for (const [name, ref] of Object.entries(refs)) {
    const missing = 'env' in ref ? !process.env[ref.env] : !readable(ref.file);
    if (missing) {
      note(`note: secret "${name}" of ${id} comes from ${'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`}, which ${'env' in ref ? 'is not set in this shell' : 'cannot be read here'}; the sync workers need it in their environment.`);
    }
  }
}

export async function runConnectionsAdd(ctx: CliContext, id: string, flags: AddFlags): Promise<number> {
  if (!idPattern.test(id)) {
    throw new UsageError('CONNECTION_ID_INVALID', `connection id "${id}" must be lowercase letters, digits and dashes, starting with a letter or digit, e.g. dvc-an-giang.`);
  }
  const registry = await loadConnectors(ctx);
  if (!registry.ids().includes(flags.connector)) {
    throw new UsageError('CONNECTOR_UNKNOWN', `connector "${flags.connector}" is not installed: installed are ${registry.ids().join(', ') || 'none'}. Check --connector, or load your connector module with LGSP_CONNECTOR_MODULES.`);
  }
  const connector = registry.get(flags.connector);
  const config = parseConfigArgument(flags.config);
  validateConfig(connector, config);
  const secretRefs = parseSecretRefs(connector, flags.secret);
  const schedule: Schedule | null = flags.schedule === undefined ? null : parseScheduleSpec(flags.schedule);
  const existing = await findConnection(ctx.db, id);
  if (existing) {
    throw new ConflictError('CONNECTION_EXISTS', `connection ${id} already exists (connector ${existing.connector_id}, "${existing.name}"): choose another id, or remove it first with \`lgsp connections remove ${id}\`.`);
  }
  const insert = async () => {
    try {
      return await insertConnection(ctx.db, { id, connectorId: connector.id, name: flags.name, config, secretRefs, schedule });
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505') throw new ConflictError('CONNECTION_EXISTS', `connection ${id} already exists: choose another id.`);
      throw error;
    }
  };
  // With a schedule, Redis must answer before anything is written, so the connection is never half added.
  const added = schedule === null ? { connection: await insert(), scheduler: null } : await withSyncQueue(ctx, async (queue) => {
    const connection = await insert();
    return { connection, scheduler: await applySchedules(ctx, queue, id) };
  });
  warnUnreachableSecrets(id, secretRefs);
  if (flags.json === true) {
    ctx.print(JSON.stringify({ ...connectionJson(added.connection), scheduler: added.scheduler }, null, 2));
  } else {
    ctx.print(`added connection ${id} (connector ${connector.id}, "${flags.name}")`);
    ctx.print(`schedule: ${schedule ? `${describeSchedule(schedule)}, ${schedulerText(added.scheduler, false)}` : 'none (set one with `lgsp schedule set`)'}`);
    ctx.print(`next: \`lgsp connections check ${id}\` proves the source answers with these settings and secrets.`);
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------------------------
// list, show

function connectionJson(c: Connection) {
  const { schedule, invalid } = storedSchedule(c);
  return {
    id: c.id,
    connector: c.connector_id,
    name: c.name,
    config: c.config,
    secretRefs: c.secret_refs,
    schedule,
    ...(invalid !== undefined ? { scheduleInvalid: invalid } : {}),
    paused: c.paused,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

async function lastRuns(ctx: CliContext): Promise<Map<string, SyncRun>> {
  const runs = await ctx.db.selectFrom('sync_run').selectAll().distinctOn('connection_id').orderBy('connection_id').orderBy('id', 'desc').execute();
  return new Map(runs.map((r) => [r.connection_id, r]));
}

export async function runConnectionsList(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const connections = await listConnections(ctx.db);
  const last = await lastRuns(ctx);
  if (flags.json === true) {
    ctx.print(JSON.stringify(connections.map((c) => {
      const r = last.get(c.id);
      return { ...connectionJson(c), lastRun: r ? runToJson(r) : null };
    }), null, 2));
    return ExitCode.ok;
  }
  if (connections.length === 0) {
    ctx.print('no connections yet: add one with `lgsp connections add <id> --connector <connector> --name <text> --config <json>`');
    return ExitCode.ok;
  }
  const rows = connections.map((c) => {
    const r = last.get(c.id);
    return [c.id, c.connector_id, c.name, scheduleText(c), c.paused ? 'yes' : 'no', r ? `${r.status} (run ${r.id})` : '-', r ? formatTime(r.finished_at ?? r.started_at ?? r.queued_at) : '-'];
  });
  ctx.print(renderTable(['id', 'connector', 'name', 'schedule', 'paused', 'last run', 'at'], rows));
  return ExitCode.ok;
}

export async function runConnectionsShow(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const c = await requireConnection(ctx, id);
  const runs = await ctx.db.selectFrom('sync_run').selectAll().where('connection_id', '=', id).orderBy('id', 'desc').limit(5).execute();
  const cursors = await ctx.db.selectFrom('sync_state').selectAll().where('connection_id', '=', id).orderBy('stream').execute();
  if (flags.json === true) {
    ctx.print(
      JSON.stringify(
        {
          ...connectionJson(c),
          runs: runs.map((r) => runToJson(r)),
          cursors: cursors.map((s) => ({ stream: s.stream, cursor: s.cursor ?? null, runId: s.sync_run_id, updatedAt: s.updated_at.toISOString() })),
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
  const refs = secretRefLines(c.secret_refs);
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
    ctx.print(renderTable(['stream', 'cursor', 'by run', 'updated'], cursors.map((s) => [s.stream, shortJson(s.cursor, 80), s.sync_run_id === null ? '-' : String(s.sync_run_id), formatTime(s.updated_at)])));
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------------------------
// remove

interface RemoveReport extends ConnectionRemoval {
  scheduler: SchedulerState | null;
}

/** Removes a connection (see `removeConnection`) and its job scheduler. */
export async function runConnectionsRemove(ctx: CliContext, id: string, flags: { force?: boolean; json?: boolean }): Promise<number> {
  await requireConnection(ctx, id);
  return withSyncQueue(ctx, async (queue) => {
    let report: ConnectionRemoval;
    try {
      report = await removeConnection(ctx.db, id, { force: flags.force === true });
    } catch (error) {
      if (error instanceof ConnectionRemovalRefused) throw new ConflictError(error.code, error.message);
      throw error;
    }
    const full: RemoveReport = { ...report, scheduler: await applySchedules(ctx, queue, id) };
    if (flags.json === true) ctx.print(JSON.stringify(full, null, 2));
    else {
      const d = full.deleted;
      ctx.print(`removed connection ${id} and its schedule; deleted ${d.runs} run(s), ${d.rawRecords} raw record(s), ${d.rejectedRecords} rejected record(s), ${d.cursors} cursor(s)`);
      const kept = Object.entries(full.detached).map(([table, n]) => `${n} ${table} row(s)`);
      if (kept.length > 0) ctx.print(`kept in the warehouse, detached from the connection: ${kept.join(', ')}`);
    }
    return ExitCode.ok;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// check

/** Runs the connector's check with the connection's real config and secrets: exit 0 when it works, 1 with the reason. */
export async function runConnectionsCheck(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const c = await requireConnection(ctx, id);
  const registry = await loadConnectors(ctx);
  let result: { ok: boolean; message: string; code?: string; causes?: string[] };
  try {
    const connector = registry.get(c.connector_id);
    const connectorCtx = connectorContext(connector, c, ctx.logger);
    const checked = await connector.check(connectorCtx);
    result = { ok: checked.ok, message: checked.message, ...(checked.ok ? {} : { code: 'CHECK_FAILED' }) };
  } catch (error) {
    const d = describeError(error);
    result = { ok: false, message: d.message, code: d.code, causes: d.causes };
  }
  const next = `fix the cause (settings: \`lgsp connections show ${id}\`; secrets must be set where the command and the workers run), then run \`lgsp connections check ${id}\` again.`;
  if (flags.json === true) ctx.print(JSON.stringify({ connection: id, connector: c.connector_id, ...result, ...(result.ok ? {} : { next }) }, null, 2));
  else if (result.ok) ctx.print(`connection ${id} (${c.connector_id}) works: ${result.message}`);
  if (!result.ok) {
    note(`error [${result.code ?? 'CHECK_FAILED'}]: connection ${id} (${c.connector_id}) does not work: ${result.message}`);
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
    .option('--secret <name=env:VAR|name=file:/path>', 'where a secret lives (repeat per secret); values are never stored', collect, [])
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
