import { z } from 'zod';
import { createApiMetrics } from '../../metrics/api-metrics.js';
import { ApiProblem, problemResponses } from '../problem.js';
import type { ApiRoutes } from './index.js';

const description = `Prometheus metrics in the text exposition format (version 0.0.4). The pipeline's figures are read from PostgreSQL and Redis at scrape time, so they hold for every worker process, whichever API instance is scraped:

- \`lgsp_sync_runs{connection,status}\`: runs by connection and status;
- \`lgsp_sync_run_duration_seconds{connection,status}\`: histogram of finished runs, start to finish;
- \`lgsp_sync_records_fetched_total\`, \`lgsp_sync_records_landed_total\`, \`lgsp_sync_records_rejected_total\` \`{connection}\`: summed over the runs;
- \`lgsp_queue_jobs{queue,state}\`: sync queue depth by state;
- \`lgsp_sync_workers\`: sync workers whose heartbeat is current; \`lgsp_sync_worker_current_run{worker}\`: the oldest run each executes (0 idle);
- \`lgsp_outbox_unpublished_rows\`, \`lgsp_outbox_unpublished_events\`, \`lgsp_outbox_oldest_unpublished_age_seconds\`: how far the outbox relay is behind;
- \`lgsp_api_request_duration_seconds{method,route,status_code}\`: this API instance's own requests to its routes, by route pattern (per instance: sum over instances; event streams, /docs and /openapi.json are not timed).

Needs a key with the \`read\` scope (metrics name connections and volumes). Prometheus sends it as a bearer token:
\`\`\`yaml
scrape_configs:
  - job_name: lgsp-connect
    metrics_path: /metrics
    authorization: { credentials_file: /etc/prometheus/lgsp-read-key }
    static_configs: [{ targets: ['lgsp-api:8080'] }]
\`\`\`
(\`basic_auth\` with the key as password works as well.) A scrape that cannot reach PostgreSQL or Redis answers 503.`;

/**
 * `GET /metrics`, and the timing of every API request. Registered first among the route groups and without
 * encapsulation (skip-override), so its onResponse hook times the routes of the groups registered after it.
 */
export const metricsRoutes: ApiRoutes = async (app, { deps }) => {
  const metrics = createApiMetrics(deps);
  // Event streams are not timed: Fastify runs no onResponse hook for a hijacked reply (and a stream's length is
  // its client's, no request duration).
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', {
    config: { scope: 'read' },
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics: sync runs, records, queue depths, outbox lag, API request durations',
      description,
      security: [{ apiKey: [] }],
      response: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        ...problemResponses(401, 403, 429, 503),
      },
    },
  }, async (request, reply) => {
    let text: string;
    try {
      text = await metrics.registry.metrics();
    } catch (error) {
      request.log.error({ err: (error as Error).message }, 'collecting the metrics failed');
      throw new ApiProblem('SERVICE_UNAVAILABLE', 'PostgreSQL or Redis did not answer the metrics queries; the server log has the reason. Retry at the next scrape.');
    }
    return reply.type(metrics.registry.contentType).send(text);
  });
};
// Not encapsulated: the timing hook reaches the sibling route groups (what fastify-plugin does).
Object.assign(metricsRoutes, { [Symbol.for('skip-override')]: true });
