import { loadConfig, type AppConfig } from '../config/env.js';
import { reportError } from '../cli/run-command.js';
import { createLogger, type Logger } from '../logger.js';
import { createDb, type Db } from '../warehouse/database.js';
import { dependencyNames } from './connection-loss.js';
import { watchDependencies, type DependencyWatch } from './dependency-watch.js';
import { checkPostgres, checkRedis } from './service-checks.js';

/** The exit code of a process that gave up on an unreachable PostgreSQL or Redis (LGSP_OUTAGE_GIVE_UP_S): EX_UNAVAILABLE. */
export const outageExitCode = 69;

export interface ProcessContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Db;
  /** Where the process's parts report lost connections: outages are logged once, and recoveries announced. */
  readonly outages: DependencyWatch;
}

/**
 * Runs a long-lived process (a worker): validates the config, proves PostgreSQL and Redis answer, starts,
 * and on SIGTERM/SIGINT calls `stop` once, then exits 0. A failure to start exits with its meaningful code.
 * Once started, it rides out outages (`whileDown` says how, in the outage's log line), unless one lasts longer
 * than LGSP_OUTAGE_GIVE_UP_S: then it exits `outageExitCode` for its supervisor to restart it.
 */
export async function runProcess(name: string, start: (ctx: ProcessContext) => Promise<{ stop: () => Promise<void> }>, options: { readonly whileDown: string }): Promise<void> {
  let ctx: ProcessContext | undefined;
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel, { format: config.logFormat }).child({ process: name });
    const db = createDb(config.databaseUrl);
    const outages = watchDependencies({
      db, redisUrl: config.redisUrl, logger, whileDown: options.whileDown, giveUpMs: config.outageGiveUpMs,
      onGiveUp: (dependency, downMs) => {
        logger.fatal({ dependency, downMs }, `${dependencyNames[dependency]} has been unreachable for ${downMs / 1000} s (LGSP_OUTAGE_GIVE_UP_S): exiting ${outageExitCode} for the supervisor to restart this process; start ${dependencyNames[dependency]} or fix its URL`);
        process.exit(outageExitCode);
      },
    });
    ctx = { config, logger, db, outages };
    await checkPostgres(db, config.databaseUrl);
    await checkRedis(config.redisUrl);
    const running = await start(ctx);
    logger.info('started');
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing the current page, then exiting');
      outages.stop();
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
