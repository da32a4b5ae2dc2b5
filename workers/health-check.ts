// A supervisor's health probe for a worker (compose `healthcheck`): exit 0 when PostgreSQL and Redis answer with
// this process's configuration, 1 (with the reason on stderr) when not. It checks what a worker needs, not the
// worker itself: the worker's own liveness is in its logs and, with heartbeats, in `lgsp workers`.
import { loadConfig } from '../src/config/env.js';
import { checkPostgres, checkRedis } from '../src/process/service-checks.js';
import { createDb } from '../src/warehouse/database.js';

const config = loadConfig();
const db = createDb(config.databaseUrl, { max: 1 });
try {
  await checkPostgres(db, config.databaseUrl);
  await checkRedis(config.redisUrl);
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(`unhealthy: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
