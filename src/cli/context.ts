import { sql } from 'kysely';
import { loadConfig, type AppConfig } from '../config/env.js';
import { ServiceUnavailableError } from '../errors.js';
import { createLogger, redactUrl, type Logger } from '../logger.js';
import { createDb, type Db } from '../warehouse/database.js';
import { ensureDatabase } from '../warehouse/ensure-database.js';

/** What a CLI command gets: validated config, a logger (stderr) and the warehouse. */
export interface CliContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
  /** Writes a line to stdout: the command's result, as text or JSON. */
  readonly print: (line: string) => void;
}

/** Exit codes scripts can rely on. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Some input rows were rejected; everything else was done. */
  partial: 3,
  config: 78,
  unavailable: 69,
} as const;

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/** A network-level failure to reach a server (Node reports several addresses as an AggregateError). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && connectionErrorCodes.has(code);
}

/**
 * Opens the warehouse (and proves it is reachable) for the duration of one command.
 * `createDatabase` makes the database first when the server does not have it yet (migrate, demo).
 */
export async function withContext(run: (ctx: CliContext) => Promise<number>, options: { createDatabase?: boolean } = {}): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const unavailable = (cause: unknown) =>
    isConnectionError(cause) ? new ServiceUnavailableError('PostgreSQL', redactUrl(config.databaseUrl), cause) : cause;
  try {
    if (options.createDatabase === true && (await ensureDatabase(config.databaseUrl))) logger.info('database created');
  } catch (cause) {
    throw unavailable(cause);
  }
  const db = createDb(config.databaseUrl, { max: 4 });
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (cause) {
      throw unavailable(cause);
    }
    return await run({ config, logger, db, print: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await db.destroy();
  }
}
