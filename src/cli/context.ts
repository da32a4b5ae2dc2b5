import { loadConfig, type AppConfig } from '../config/env.js';
import { createLogger, createReportLogger, readsAsText, type Logger } from '../logger.js';
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

export { ExitCode } from '../errors/exit-codes.js';

/**
 * How a command's log lines meet the person running it. `terminal`: on a terminal, warnings and errors only
 * (LOG_LEVEL=debug or trace shows the detail), since what the command prints is its answer; JSON lines at
 * LOG_LEVEL elsewhere or with LOG_FORMAT=json. `report` (the demo): every line as JSON to the file, only warnings
 * on stderr.
 */
export type CommandLog = 'terminal' | { readonly report: string };

export interface ContextOptions {
  /** Make the database first when the server does not have it yet (migrate, demo). */
  readonly createDatabase?: boolean;
  readonly log?: CommandLog;
}

function commandLogger(config: AppConfig, log: CommandLog): Logger {
  if (log === 'terminal' || config.logFormat === 'json') {
    const quiet = readsAsText(config.logFormat) && config.logLevel === 'info';
    return createLogger(quiet ? 'warn' : config.logLevel, { format: config.logFormat });
  }
  return createReportLogger(config.logLevel, log.report, config.logFormat);
}

/** Opens the warehouse (and proves it is reachable) for the duration of one command. */
export async function withContext(run: (ctx: CliContext) => Promise<number>, options: ContextOptions = {}): Promise<number> {
  const config = loadConfig();
  const logger = commandLogger(config, options.log ?? 'terminal');
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
