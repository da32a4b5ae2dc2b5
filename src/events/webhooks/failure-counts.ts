import { sql } from 'kysely';
import type { Db } from '../../warehouse/database.js';

/** Failure counts of one subscription, for monitoring (e.g. Prometheus counters and gauges). */
export interface WebhookFailureCount {
  readonly subscriptionId: string;
  /** Every failed attempt since the subscription was created (a counter: it only grows). */
  readonly failedAttempts: number;
  /** Every dead letter it has (a counter while none is removed: dead letters go only with their subscription). */
  readonly deadLetters: number;
  /** Dead letters not yet redelivered (a gauge). */
  readonly pendingDeadLetters: number;
}

/**
 * Failure counts per subscription, read from PostgreSQL, so any process (the API's metrics, a CLI) sees what the
 * dispatcher counted. One query; subscriptions without failures are included with zeros.
 */
export async function webhookFailureCounts(db: Db): Promise<WebhookFailureCount[]> {
  const { rows } = await sql<{ id: string; failed_attempts: number; dead_letters: number; pending_dead_letters: number }>`
    select s.id, s.failed_attempts,
           count(d.id)::int as dead_letters,
           (count(d.id) filter (where d.redelivered_at is null))::int as pending_dead_letters
    from webhook_subscription s left join webhook_dead_letter d on d.subscription_id = s.id
    group by s.id
    order by s.id`.execute(db);
  return rows.map((r) => ({ subscriptionId: r.id, failedAttempts: r.failed_attempts, deadLetters: r.dead_letters, pendingDeadLetters: r.pending_dead_letters }));
}
