import { loadConfig, type AppConfig } from '../config/env.js';
import { createLogger, type Logger } from '../logger.js';
import { asPostgresUnavailable, checkPostgres } from '../process/service-checks.js';
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

/**
 * Opens the warehouse (and proves it is reachable) for the duration of one command.
 * `createDatabase` makes the database first when the server does not have it yet (migrate, demo).
 */
export async function withContext(run: (ctx: CliContext) => Promise<number>, options: { createDatabase?: boolean } = {}): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  try {
    if (options.createDatabase === true && (await ensureDatabase(config.databaseUrl))) logger.info('database created');
  } catch (cause) {
    throw asPostgresUnavailable(config.databaseUrl, cause);
  }
  const db = createDb(config.databaseUrl, { max: 4 });
  try {
    await checkPostgres(db, config.databaseUrl);
    return await run({ config, logger, db, print: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await db.destroy();
  }
}
