import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { LgspError } from '../../errors.js';
import { redactSyncJobData, redactSyncJobProgress, redactSyncJobResult } from '../../queue/job-redaction.js';
import type { SyncQueue } from '../../queue/sync-queue.js';
import { httpRefusal, statusCodeName, type HttpRefusal } from '../http-errors.js';
import { loggableError } from '../loggable-error.js';
import { ApiProblem, problem, type Problem } from '../problem.js';
import type { ApiRoutes } from './index.js';

/** What Bull Board's error handler answers. */
type HandlerResult = ReturnType<Parameters<FastifyAdapter['setErrorHandler']>[0]>;

/** Bull Board's own error answer (`{ "error": "ERRORS.QUEUE_READ_ONLY" }`) as a stable code and what to do next. */
function dashboardRefusal(status: number, payload: string): Omit<HttpRefusal, 'status'> {
  let error: unknown;
  try {
    error = (JSON.parse(payload) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  if (status === 405) {
    return { code: 'DASHBOARD_READ_ONLY', detail: 'The queue dashboard is read-only: start, replay and follow runs with the API (POST /v1/connections/{id}/syncs, POST /v1/runs/{id}/replay) or `lgsp`.' };
  }
  const said = typeof error === 'string' ? ` (${error})` : '';
  return { code: statusCodeName(status), detail: `The queue dashboard refused the request${said}: reload the dashboard at ${queueDashboardPath}.` };
}

/** Where the dashboard lives. */
export const queueDashboardPath = '/admin/queues';

/** The sync queue as the dashboard shows it: job data, progress and results redacted, schedulers' templates too. */
class RedactedSyncQueueAdapter extends BullMQAdapter {
  constructor(queue: SyncQueue) {
    super(queue, {
      // Runs are started, retried and removed through the API and `lgsp` (which keep sync_run and the queue in
      // step); the dashboard is for watching.
      readOnlyMode: true,
      displayName: 'Sync runs',
      description: 'One job per sync run (connection id and run id shown; `lgsp runs show <run>` has the rest)',
    });
    this.setFormatter('data', redactSyncJobData);
    this.setFormatter('progress', redactSyncJobProgress);
    this.setFormatter('returnValue', redactSyncJobResult);
  }

  override async getJobSchedulers(): ReturnType<BullMQAdapter['getJobSchedulers']> {
    const schedulers = await super.getJobSchedulers();
    return schedulers.map((s) => ({ ...s, template: s.template === undefined ? undefined : { ...s.template, data: redactSyncJobData(s.template.data) } }));
  }
}

/**
 * The Bull Board dashboard of the sync queue at /admin/queues (its UI, assets and JSON API), admin scope only.
 *
 * A browser cannot send a bearer header: every route of the dashboard answers 401 with `WWW-Authenticate:
 * Basic`, so the browser asks for a user name and password; type anything as the user name and an admin API
 * key as the password. The browser then sends it with every request of the dashboard (its UI polls the JSON
 * API). Scripts send `Authorization: Bearer <key>` as for the rest of the API. No key ever sits in a URL (URLs
 * end up in logs and browser history), and as the board is read-only a forged cross-site request changes nothing.
 */
export const queueDashboardRoutes: ApiRoutes = async (app, { deps }) => {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: [new RedactedSyncQueueAdapter(deps.syncQueue)],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'lgsp-connect' } },
  });
  // Errors inside the dashboard (rate limits, failures) as problem documents with their status; Bull Board's own
  // handler would make every one a 500 with the raw message.
  serverAdapter.setErrorHandler((error: Error) => {
    const answer = (status: number, body: Problem) => ({ status: status as NonNullable<HandlerResult['status']>, body });
    if (error instanceof ApiProblem) return answer(error.status, problem(error.status, error.code, error.message, error.errors ? { errors: error.errors } : {}));
    const { statusCode: status, code } = error as { statusCode?: unknown; code?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (error instanceof LgspError) return answer(status, problem(status, error.code, error.message));
      const refusal = httpRefusal(status, typeof code === 'string' ? code : undefined, error.message);
      return answer(status, problem(status, refusal.code, refusal.detail));
    }
    deps.logger.error({ err: loggableError(error) }, 'queue dashboard request failed');
    return answer(500, problem(500, 'INTERNAL', 'The queue dashboard failed on our side; the server log has the details.'));
  });
  // Bull Board answers its own refusals (an unknown queue, an action on the read-only queue) with its JSON
  // `{ error }`: rewritten as problem documents, like every other error of the API.
  app.addHook('onSend', (request, reply, payload, done) => {
    const contentType = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode < 400 || contentType.includes('problem+json') || typeof payload !== 'string') {
      done(null, payload);
      return;
    }
    const status = reply.statusCode;
    const refusal = dashboardRefusal(status, payload);
    void reply.type('application/problem+json');
    done(null, JSON.stringify(problem(status, refusal.code, refusal.detail, { instance: request.url })));
  });
  // Every route the dashboard registers (page, assets, JSON API) needs an admin key, and may ask a browser for it.
  // Its state-changing routes (refused: the board is read-only) are audited as one action, with the route beside it.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, scope: 'admin', browserLogin: true, audit: { action: 'queue.dashboard', object: 'queue', idParam: 'queueName' } };
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: queueDashboardPath });
};
