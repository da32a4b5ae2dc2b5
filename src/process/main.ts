import { loadConfig, type AppConfig } from '../config/env.js';
import { reportError } from '../cli/run-command.js';
import { createLogger, type Logger } from '../logger.js';
import { createDb, type Db } from '../warehouse/database.js';
import { checkPostgres, checkRedis } from './service-checks.js';

export interface ProcessContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
}

/**
 * Runs a long-lived process (a worker): validates the config, proves PostgreSQL and Redis answer, starts,
 * and on SIGTERM/SIGINT calls `stop` once, then exits 0. A failure to start exits with its meaningful code.
 */
export async function runProcess(name: string, start: (ctx: ProcessContext) => Promise<{ stop: () => Promise<void> }>): Promise<void> {
  let ctx: ProcessContext | undefined;
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel, { format: config.logFormat }).child({ process: name });
    const db = createDb(config.databaseUrl);
    ctx = { config, logger, db };
    await checkPostgres(db, config.databaseUrl);
    await checkRedis(config.redisUrl);
    const running = await start(ctx);
    logger.info('started');
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing the current page, then exiting');
      void running
        .stop()
        .then(() => db.destroy())
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        }, (error: unknown) => {
          logger.error({ err: (error as Error).message }, 'could not stop cleanly');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => { stop('SIGTERM'); });
    process.on('SIGINT', () => { stop('SIGINT'); });
  } catch (error) {
    await ctx?.db.destroy();
    process.exit(reportError(error));
  }
}
