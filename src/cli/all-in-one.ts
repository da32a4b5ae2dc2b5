import { startApi } from '../api/start.js';
import { startOutboxRelay } from '../events/run-relay.js';
import { startWebhookDispatcher } from '../events/webhooks/run-dispatcher.js';
import type { ProcessContext } from '../process/main.js';
import { startScheduler } from '../queue/run-scheduler.js';
import { startSyncWorkerRole } from '../queue/run-sync-worker.js';

interface Role {
  readonly name: string;
  readonly start: (ctx: ProcessContext) => Promise<{ stop: () => Promise<void> }>;
}

/**
 * Every role of a small installation in one process: outbox relay, webhook dispatcher, sync worker, scheduler and
 * the API, each as its own process runs it, logging with its `role`. Started in this order, so an API that
 * answers means the rest runs; stopped in the reverse one, so the API takes no new request while the worker
 * finishes its current page. Each rides out PostgreSQL and Redis outages as its own process does.
 */
export async function startAllRoles(ctx: ProcessContext): Promise<{ url: string; stop: () => Promise<void> }> {
  let url = '';
  const roles: readonly Role[] = [
    { name: 'outbox-relay', start: startOutboxRelay },
    { name: 'webhook-dispatcher', start: startWebhookDispatcher },
    { name: 'sync-worker', start: startSyncWorkerRole },
    { name: 'scheduler', start: startScheduler },
    { name: 'api', start: async (c) => { const api = await startApi(c); url = api.url; return api; } },
  ];
  const started: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const role of started.reverse()) {
      try {
        await role.stop();
      } catch (error) {
        ctx.logger.error({ role: role.name, err: (error as Error).message }, 'a role did not stop cleanly');
      }
    }
  };
  try {
    for (const role of roles) {
      const running = await role.start({ ...ctx, logger: ctx.logger.child({ role: role.name }) });
      started.push({ name: role.name, stop: running.stop });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { url, stop: stopAll };
}
