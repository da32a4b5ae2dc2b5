import type { FastifyRequest } from 'fastify';
import { runToJson } from '../operations/runs.js';
import { workersOnQueue } from '../queue/sync-queue.js';
import type { SyncRun } from '../warehouse/sync-runs.js';
import { errorViewFor } from './error-view.js';
import type { ApiDeps } from './server.js';

/** The answer to a queued run: with how many workers will take it, and a warning in the log when none. */
export async function startedRun(deps: ApiDeps, request: FastifyRequest, run: SyncRun, joined: boolean) {
  const workers = await workersOnQueue(deps.syncQueue, deps.config.queue.redisUrl);
  if (workers === 0) request.log.warn({ runId: run.id, connectionId: run.connection_id }, 'no sync worker consumes the queue: the run stays queued until one starts (npm run worker)');
  return { joined, run: runToJson(run, errorViewFor(request)), workers };
}
