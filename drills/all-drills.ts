import type { Drill } from './drill.js';
import { postgresRestart } from './postgres-restart.js';
import { redisRestartAof } from './redis-restart-aof.js';
import { redisRestartVolatile } from './redis-restart-volatile.js';
import { relaySigkillBacklog } from './relay-sigkill-backlog.js';
import { sourceOutage } from './source-outage.js';
import { workerSigkill } from './worker-sigkill.js';

/** Every fault drill, in the order the suite runs them. */
export const allDrills: readonly Drill[] = [workerSigkill, postgresRestart, redisRestartVolatile, redisRestartAof, relaySigkillBacklog, sourceOutage];
