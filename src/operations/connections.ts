import { publicError, type StoredError } from '../boundary/read-back.js';
import { egressPolicy } from '../boundary/egress.js';
import type { BoundaryConfig } from '../config/env.js';
import { publishedSecretRefusal } from '../boundary/secret-refs.js';
import { secretRefSchema, type SecretRefs } from '../connector-sdk/secrets.js';
import type { ConnectorRegistry } from '../connector-sdk/registry.js';
import type { ConnectorDefinition } from '../connector-sdk/types.js';
import { ConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import { connectorContext } from '../pipeline/run-sync.js';
import type { Schedule } from '../queue/schedules.js';
import type { SyncQueue } from '../queue/sync-queue.js';
import { ConnectionRemovalRefused, removeConnection, type ConnectionRemoval } from '../warehouse/connection-removal.js';
import { insertConnection, listConnections, type Connection } from '../warehouse/connections.js';
import type { Db } from '../warehouse/database.js';
import { describeError, type SyncRun } from '../warehouse/sync-runs.js';
import { configUrlIssues } from './config-urls.js';
import { InvalidInputError, issuesUnder, type FieldIssue } from './input-error.js';
import { requireConnection } from './lookups.js';
import type { ErrorView } from './runs.js';
import { applySchedules, checkSchedule, storedSchedule, type AppliedSchedules, type ScheduleInput, type ScheduleSpelling } from './schedules.js';

/** Connection ids: lowercase letters, digits and dashes, starting with a letter or digit. */
export const connectionIdPattern = /^[a-z0-9][a-z0-9-]*$/;

// ---------------------------------------------------------------------------------------------------------------
// checking a new connection

/** How an interface names a new connection's inputs in messages: the CLI its flags, the API its body fields. */
export interface ConnectionSpelling {
  /** Where the config is given: `--config`, `config`. */
  readonly config: string;
  /** How to reference these secrets (`prefix`: of the published variables): `--secret client_secret=env:LGSP_SECRET_… (or =file:<name>)`. */
  readonly secretRefs: (names: readonly string[], prefix: string) => string;
  readonly schedule: ScheduleSpelling;
}

export const connectionFieldNames: ConnectionSpelling = {
  config: 'config',
  secretRefs: (names, prefix) => `${names.map((n) => `secretRefs.${n}: {"env": "${prefix}…"}`).join(', ')} (or {"file": "<name in the secrets folder>"})`,
  schedule: { cron: 'schedule.cron', tz: 'schedule.tz', everyMinutes: 'schedule.everyMinutes' },
};

/** A connection as asked for; every field is checked by `checkNewConnection`. */
export interface NewConnectionInput {
  readonly id: string;
  readonly connector: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Secret name -> where it lives (`{ env: LGSP_SECRET_… }` or `{ file: <name in the secrets folder> }`): never the secret itself. */
  readonly secretRefs: Readonly<Record<string, unknown>>;
  readonly schedule: ScheduleInput | null;
}

/** A new connection that fits its connector: ready to be added. */
export interface CheckedConnection {
  readonly id: string;
  readonly connector: ConnectorDefinition;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly secretRefs: SecretRefs;
  readonly schedule: Schedule | null;
}

/**
 * Checks a config against the connector's zod schema, naming each field that is wrong. Keys the schema does not
 * know are errors too (zod would drop them silently, so a misspelt setting would be lost).
 */
export function configIssues(connector: ConnectorDefinition, config: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const shape = (connector.configSchema as { shape?: unknown }).shape;
  const known = shape !== null && typeof shape === 'object' ? Object.keys(shape) : null;
  if (known) {
    for (const key of Object.keys(config)) {
      if (!known.includes(key)) issues.push({ field: key, message: `not a setting of connector ${connector.id} (its settings: ${known.join(', ')})` });
    }
  }
  const parsed = connector.configSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (known && issue.code === 'unrecognized_keys') continue;
      issues.push({ field: issue.path.join('.'), message: issue.message });
    }
  }
  return issues;
}

/** Throws CONNECTION_CONFIG_INVALID naming each field of the config that does not fit the connector. */
export function validateConfig(connector: ConnectorDefinition, config: Record<string, unknown>, spelling: ConnectionSpelling = connectionFieldNames): void {
  const issues = configIssues(connector, config);
  if (issues.length === 0) return;
  throw new InvalidInputError(
    'CONNECTION_CONFIG_INVALID',
    `the config does not fit connector ${connector.id}: ${issues.map((i) => `${i.field || 'config'}: ${i.message}`).join('; ')}. Fix ${spelling.config} and try again.`,
    issuesUnder('config', issues),
  );
}

/**
 * Checks the secret references: each is a reference (an environment variable or a file, never a value) to what
 * the host publishes to connections (`boundary`: variables with its prefix, files in its secrets folder), names a
 * secret the connector has, and every secret the connector declares is referenced.
 */
export function validateSecretRefs(connector: ConnectorDefinition, refs: Readonly<Record<string, unknown>>, boundary: BoundaryConfig, spelling: ConnectionSpelling = connectionFieldNames): SecretRefs {
  const out: SecretRefs = {};
  const refuse = (name: string, message: string): never => {
    throw new InvalidInputError('SECRET_REF_INVALID', message, [{ field: `secretRefs.${name}`, message }]);
  };
  for (const [name, ref] of Object.entries(refs)) {
    if (!connector.secrets.includes(name)) refuse(name, `connector ${connector.id} has no secret "${name}": its secrets are ${connector.secrets.join(', ') || 'none'}.`);
    const parsed = secretRefSchema.safeParse(ref);
    if (!parsed.success) {
      refuse(name, `secret "${name}": ${parsed.error.issues.map((i) => i.message).join('; ')}. A connection stores where a secret is (an environment variable or a file), never the secret itself.`);
    } else {
      const refusal = publishedSecretRefusal(parsed.data, boundary);
      if (refusal !== undefined) refuse(name, `secret "${name}": ${refusal}. Reference it as ${spelling.secretRefs([name], boundary.secretEnvPrefix)}.`);
      out[name] = parsed.data;
    }
  }
  const missing = connector.secrets.filter((s) => !out[s]);
  if (missing.length > 0) {
    throw new InvalidInputError(
      'SECRET_MISSING',
      `connector ${connector.id} needs secret${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')}: add ${spelling.secretRefs(missing, boundary.secretEnvPrefix)}. The value stays in that variable or file.`,
      missing.map((s) => ({ field: `secretRefs.${s}`, message: `connector ${connector.id} needs this secret: reference an environment variable named ${boundary.secretEnvPrefix}… or a file in the secrets folder` })),
    );
  }
  return out;
}

/** Throws EGRESS_REFUSED naming each URL of the config the egress policy refuses (internal, metadata, credentials). */
async function validateConfigUrls(config: Record<string, unknown>, boundary: BoundaryConfig, spelling: ConnectionSpelling): Promise<void> {
  const issues = await configUrlIssues(config, egressPolicy(boundary));
  if (issues.length === 0) return;
  throw new InvalidInputError(
    'EGRESS_REFUSED',
    `the config names a URL this host may not reach: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')} Fix ${spelling.config} and try again.`,
    issuesUnder('config', issues),
  );
}

/**
 * Checks a new connection: its id, an installed connector, the config against the connector's schema and the
 * egress policy, the secret references (within what the host published) and the schedule; `boundary` is the
 * host's trust boundary. Throws InvalidInputError naming the field, or ConflictError when the id is taken.
 */
export async function checkNewConnection(
  db: Db, connectors: ConnectorRegistry, boundary: BoundaryConfig, input: NewConnectionInput, spelling: ConnectionSpelling = connectionFieldNames,
): Promise<CheckedConnection> {
  if (!connectionIdPattern.test(input.id)) {
    const message = `connection id "${input.id}" must be lowercase letters, digits and dashes, starting with a letter or digit, e.g. dvc-an-giang.`;
    throw new InvalidInputError('CONNECTION_ID_INVALID', message, [{ field: 'id', message }]);
  }
  if (!connectors.ids().includes(input.connector)) {
    const message = `connector "${input.connector}" is not installed: installed are ${connectors.ids().join(', ') || 'none'}. Check the connector id, or load your connector module with LGSP_CONNECTOR_MODULES.`;
    throw new InvalidInputError('CONNECTOR_UNKNOWN', message, [{ field: 'connector', message }]);
  }
  const connector = connectors.get(input.connector);
  validateConfig(connector, input.config, spelling);
  await validateConfigUrls(input.config, boundary, spelling);
  const secretRefs = validateSecretRefs(connector, input.secretRefs, boundary, spelling);
  let schedule: Schedule | null = null;
  if (input.schedule !== null) {
    try {
      schedule = checkSchedule(input.schedule, spelling.schedule);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new InvalidInputError(error.code, error.message, issuesUnder('schedule', error.issues));
      throw error;
    }
  }
  await refuseExisting(db, input.id);
  return { id: input.id, connector, name: input.name, config: input.config, secretRefs, schedule };
}

async function refuseExisting(db: Db, id: string): Promise<void> {
  const existing = await db.selectFrom('connection').select(['connector_id', 'name']).where('id', '=', id).executeTakeFirst();
  if (existing) {
    throw new ConflictError(
      'CONNECTION_EXISTS',
      `connection ${id} already exists (connector ${existing.connector_id}, "${existing.name}"): choose another id, or remove it first with \`lgsp connections remove ${id}\` (DELETE /v1/connections/${id}).`,
    );
  }
}

/**
 * Adds a checked connection; with a schedule, registers its BullMQ job scheduler at once (`queue` is then needed:
 * open it before, so Redis answers before anything is written and the connection is never half added).
 */
export async function addConnection(db: Db, checked: CheckedConnection, queue: SyncQueue | null): Promise<{ connection: Connection } & AppliedSchedules> {
  if (checked.schedule !== null && queue === null) throw new Error('addConnection: a connection with a schedule needs the sync queue');
  let connection: Connection;
  try {
    connection = await insertConnection(db, { id: checked.id, connectorId: checked.connector.id, name: checked.name, config: checked.config, secretRefs: checked.secretRefs, schedule: checked.schedule });
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw new ConflictError('CONNECTION_EXISTS', `connection ${checked.id} already exists: choose another id.`);
    throw error;
  }
  if (queue === null) return { connection, scheduler: null, invalid: [] };
  return { connection, ...(await applySchedules(db, queue, checked.id)) };
}

// ---------------------------------------------------------------------------------------------------------------
// reading

/** A connection for scripts and the API: camelCase, secret references only (connections hold no secret values). */
export function connectionToJson(c: Connection) {
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

/** Every connection with its newest run (null before its first). */
export async function listConnectionsWithLastRun(db: Db): Promise<{ connection: Connection; lastRun: SyncRun | null }[]> {
  const connections = await listConnections(db);
  const runs = await db.selectFrom('sync_run').selectAll().distinctOn('connection_id').orderBy('connection_id').orderBy('id', 'desc').execute();
  const last = new Map(runs.map((r) => [r.connection_id, r]));
  return connections.map((connection) => ({ connection, lastRun: last.get(connection.id) ?? null }));
}

/** A stream cursor of a connection: where its next incremental sync starts. */
export interface ConnectionCursor {
  readonly stream: string;
  readonly cursor: unknown;
  readonly runId: number | null;
  readonly updatedAt: Date;
}

/** A connection with its newest runs (5 unless asked) and its stream cursors. */
export async function connectionDetail(db: Db, id: string, options: { runs?: number } = {}): Promise<{ connection: Connection; runs: SyncRun[]; cursors: ConnectionCursor[] }> {
  const connection = await requireConnection(db, id);
  const runs = await db.selectFrom('sync_run').selectAll().where('connection_id', '=', id).orderBy('id', 'desc').limit(options.runs ?? 5).execute();
  const states = await db.selectFrom('sync_state').selectAll().where('connection_id', '=', id).orderBy('stream').execute();
  return { connection, runs, cursors: states.map((s) => ({ stream: s.stream, cursor: s.cursor ?? null, runId: s.sync_run_id, updatedAt: s.updated_at })) };
}

// ---------------------------------------------------------------------------------------------------------------
// check, remove

export interface CheckOutcome {
  readonly connection: string;
  readonly connector: string;
  readonly ok: boolean;
  readonly message: string;
  /** Why it failed: CHECK_FAILED when the connector said so, else the error's code (SOURCE_AUTH_FAILED, SECRET_MISSING ...). */
  readonly code?: string;
  readonly causes?: readonly string[];
  /** '4xx', '5xx': the HTTP status class that decided a failure, when one did. */
  readonly statusClass?: string;
}

/**
 * Runs the connector's check with the connection's real config and secrets (read from `env`, where this process
 * runs). A check that fails is an outcome, not an error: ok false with the reason. With the `public` view the
 * outcome says nothing the source answered (src/boundary/read-back.ts); the full one goes to the log.
 */
export async function checkConnection(
  db: Db, connectors: ConnectorRegistry, id: string, logger: Logger, boundary: BoundaryConfig, options: { view?: ErrorView; env?: NodeJS.ProcessEnv } = {},
): Promise<CheckOutcome> {
  const c = await requireConnection(db, id);
  const base = { connection: id, connector: c.connector_id };
  let full: CheckOutcome;
  let failure: StoredError | null;
  try {
    const connector = connectors.get(c.connector_id);
    const checked = await connector.check(connectorContext(connector, c, logger, boundary, options.env));
    full = { ...base, ok: checked.ok, message: checked.message, ...(checked.ok ? {} : { code: 'CHECK_FAILED' }) };
    // A connector's own words are built from what the source answered, passed or failed.
    failure = checked.ok ? null : { code: 'CHECK_FAILED', message: checked.message, causes: [], origin: 'source' };
  } catch (error) {
    failure = describeError(error);
    full = { ...base, ok: false, message: failure.message, code: failure.code, causes: failure.causes, ...(failure.statusClass === undefined ? {} : { statusClass: failure.statusClass }) };
  }
  logger.info({ connectionId: id, ok: full.ok, code: full.code, check: full.message, causes: full.causes }, 'connection checked');
  if (options.view !== 'public') return full;
  if (failure === null) return { ...base, ok: true, message: 'The source answered the check and accepted the credentials. What it said is in the server log.' };
  const shown = publicError(failure);
  return { ...base, ok: false, message: shown.message, code: shown.code, ...(shown.statusClass === undefined ? {} : { statusClass: shown.statusClass }) };
}

/**
 * Removes a connection (see `removeConnection`: refused while a run is active, or when its figures are in the
 * warehouse unless `force`; ConflictError) and its job scheduler.
 */
export async function deleteConnection(db: Db, queue: SyncQueue, id: string, options: { force: boolean }): Promise<ConnectionRemoval & AppliedSchedules> {
  await requireConnection(db, id);
  let report: ConnectionRemoval;
  try {
    report = await removeConnection(db, id, options);
  } catch (error) {
    if (error instanceof ConnectionRemovalRefused) throw new ConflictError(error.code, error.message);
    throw error;
  }
  return { ...report, ...(await applySchedules(db, queue, id)) };
}
