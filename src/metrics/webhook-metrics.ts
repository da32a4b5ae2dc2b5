import { Gauge, type Registry } from 'prom-client';
import { webhookFailureCounts } from '../events/webhooks/failure-counts.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { MetricsDeps } from './types.js';

/**
 * Webhook delivery failures by subscription, read from PostgreSQL at scrape time (the dispatcher counts them
 * there), so they are true whichever process delivered. Failed attempts and dead letters only grow: alert on
 * their rate; pending dead letters wait for an operator's redelivery.
 */
export function registerWebhookMetrics(registry: Registry, deps: MetricsDeps): void {
  const read = scrapeSnapshot(() => webhookFailureCounts(deps.db));
  const gauge = (name: string, help: string, value: (c: Awaited<ReturnType<typeof webhookFailureCounts>>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['subscription'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const c of await read()) this.set({ subscription: c.subscriptionId }, value(c));
      },
    });
  gauge('lgsp_webhook_failed_attempts_total', 'Webhook delivery attempts that failed (network error, timeout, non-2xx), by subscription', (c) => c.failedAttempts);
  gauge('lgsp_webhook_dead_letters_total', 'Events given up on after the last attempt, by subscription', (c) => c.deadLetters);
  gauge('lgsp_webhook_dead_letters_pending', 'Dead letters not yet redelivered, by subscription', (c) => c.pendingDeadLetters);
}
