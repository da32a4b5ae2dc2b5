import { SubscriptionConsumer, type ConsumerContext } from './subscription-consumer.js';
import { destroyGroup, webhookGroupIds } from './stream-groups.js';
import { loadWebhookSubscriptions } from './subscriptions.js';

/**
 * Delivers every subscription's events: one consumer per subscription, all running side by side. `reload` brings
 * the set in line with the subscriptions table (called when it changes, and periodically). The caller makes sure
 * only one dispatcher runs at a time (the order per subscription depends on it).
 */
export class WebhookDispatcher {
  private readonly consumers = new Map<string, SubscriptionConsumer>();

  constructor(private readonly ctx: ConsumerContext) {}

  /** The subscriptions being served. */
  get serving(): string[] {
    return [...this.consumers.keys()];
  }

  /**
   * Starts consumers for new subscriptions, passes changes on, stops those of removed subscriptions and destroys
   * their consumer groups, and those of any group left by a subscription removed while no dispatcher ran. The
   * groups are listed before the table is read: a subscription is committed before its group is created, so a
   * group seen first has its row seen after, unless it was removed.
   */
  async reload(): Promise<void> {
    const { db, redis, stream, logger } = this.ctx;
    const groups = await webhookGroupIds(redis, stream);
    const subscriptions = await loadWebhookSubscriptions(db);
    const current = new Set(subscriptions.map((s) => s.id));
    for (const subscription of subscriptions) {
      const consumer = this.consumers.get(subscription.id);
      if (consumer) {
        consumer.update(subscription);
      } else {
        const started = new SubscriptionConsumer(subscription, this.ctx);
        this.consumers.set(subscription.id, started);
        started.start();
        // The origin only: receivers sometimes carry a token in the path or query.
        logger.info({ subscription: subscription.id, receiver: new URL(subscription.url).origin }, 'serving webhook subscription');
      }
    }
    const removed = [...this.consumers.values()].filter((c) => !current.has(c.id));
    await Promise.all(removed.map(async (consumer) => {
      await consumer.stop();
      this.consumers.delete(consumer.id);
      logger.info({ subscription: consumer.id }, 'webhook subscription removed: stopped serving it');
    }));
    const orphans = new Set([...groups, ...removed.map((c) => c.id)].filter((id) => !current.has(id)));
    for (const id of orphans) await destroyGroup(redis, stream, id);
  }

  /** Stops every consumer (attempts under way finish); what is not acknowledged is delivered by the next dispatcher. */
  async stop(): Promise<void> {
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.all(consumers.map((c) => c.stop()));
  }
}
