import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { EgressPolicy } from '../../boundary/egress.js';
import { createRedis } from '../../config/redis-connection.js';
import type { Logger } from '../../logger.js';
import { isConnectionLoss } from '../../process/connection-loss.js';
import type { Db } from '../../warehouse/database.js';
import { writeDeadLetter } from './dead-letters.js';
import { deliverWithRetry, type DeliveryOptions } from './delivery.js';
import { entryKeyOf } from '../stream-events.js';
import { matchesFilter } from './filter.js';
import { KeyedLanes } from './keyed-lanes.js';
import { ackEntries, ensureGroup, isMissingGroup, readGroup, type StreamEntry, type WebhookStream } from './stream-groups.js';
import { recordAttemptFailure, type WebhookSubscription } from './subscriptions.js';

export interface ConsumerContext {
  readonly db: Db;
  /** A shared connection for the non-blocking commands (pending reads, acknowledgements, groups). */
  readonly redis: Redis;
  /** Each consumer opens its own connection for its blocking reads. */
  readonly redisUrl: string;
  readonly stream: WebhookStream;
  readonly delivery: DeliveryOptions;
  /** What receivers may be reached (the configuration's boundary). */
  readonly egress: EgressPolicy;
  readonly logger: Logger;
  /** How long a read waits for new entries before asking again (a stop does not wait for it). Default 5000. */
  readonly blockMs?: number;
  /** Entries per read. Default 1000. */
  readonly batchSize?: number;
  /** Deliveries in flight per subscription (one at a time per subject). Default 1. */
  readonly concurrency?: number;
}

/** A wanted entry, ready to deliver. */
interface PendingDelivery {
  readonly entryId: string;
  readonly eventId: string;
  readonly type: string;
  readonly subject: string;
  readonly body: string;
}

/** What went wrong, for a log line: no stack for the expected failures. */
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Serves one subscription: reads its consumer group and delivers the wanted events, several at once but one at a
 * time per subject in stream order, each retried until delivered or dead-lettered and only then acknowledged (at
 * least once, in order per subject). It
 * starts with its pending entries (read before, not acknowledged: after a crash, a takeover or a failed round)
 * and after any error goes back to them, so no entry is ever passed over. Runs beside the other subscriptions'
 * consumers, each with its own connection: a slow receiver holds up only its own subscription.
 */
export class SubscriptionConsumer {
  private readonly stopping = new AbortController();
  private readonly reader: Redis;
  private done: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private subscription: WebhookSubscription, private readonly ctx: ConsumerContext) {
    this.log = ctx.logger.child({ subscription: subscription.id });
    // A read cut by a lost connection must fail, not be sent again: entries its lost reply carried are pending,
    // and the next round reads those first.
    this.reader = createRedis(ctx.redisUrl, { autoResendUnfulfilledCommands: false, connectionName: `lgsp-webhook-${subscription.id}` });
    this.reader.on('error', (error: Error) => { this.log.debug({ err: error.message }, 'webhook reader connection error'); });
  }

  get id(): string {
    return this.subscription.id;
  }

  start(): void {
    this.done = this.run();
  }

  /** A changed subscription (URL, filter, secret): used from the next event on. */
  update(subscription: WebhookSubscription): void {
    this.subscription = subscription;
  }

  /**
   * Stops: a wait for new entries or between attempts ends at once; an attempt under way is let finish (and
   * acknowledged if it succeeded), so a stop rarely causes a duplicate. What is not acknowledged stays pending.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.reader.disconnect();
    await this.done;
  }

  private stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    const { redis, stream } = this.ctx;
    let pending = true;
    let groupReady = false;
    while (!this.stopped()) {
      try {
        if (!groupReady) {
          if (await ensureGroup(redis, stream, this.subscription.id, this.subscription.streamStartId)) {
            // Groups live in the stream: a stream that lost its data (reset, flush, failover) or was deleted lost them.
            this.log.warn({ startId: this.subscription.streamStartId, stream: stream.key }, 'webhook consumer group was missing (the stream lost its data or was deleted, or the group was destroyed): recreated at the subscription start, so every event the stream holds after it is delivered, some perhaps again (same event ids)');
          }
          groupReady = true;
        }
        const count = this.ctx.batchSize ?? 1000;
        const entries = pending
          ? await readGroup(redis, stream, this.subscription.id, { pending: true, count, blockMs: 0 })
          : await readGroup(this.reader, stream, this.subscription.id, { pending: false, count, blockMs: this.ctx.blockMs ?? 5_000 });
        if (pending && entries.length === 0) {
          pending = false;
          continue;
        }
        await this.handleBatch(entries);
      } catch (error) {
        if (this.stopped()) break;
        pending = true;
        if (isMissingGroup(error)) groupReady = false;
        // A lost connection is the process's outage, logged once by its watch, not once a second per subscription.
        this.log[isConnectionLoss(error) ? 'debug' : 'warn']({ err: reason(error) }, 'webhook consumer failed; resuming from its pending entries in a second');
        await sleep(1_000, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Delivers the wanted entries, several at once but each subject's in stream order, acknowledging each once it
   * is delivered or dead-lettered; those not wanted are acknowledged together at the end. An entry whose delivery
   * did not end (a stop, an error) stays pending with the rest of its subject's, for the next round.
   */
  private async handleBatch(entries: readonly StreamEntry[]): Promise<void> {
    const unwanted: string[] = [];
    const lanes = new KeyedLanes(this.ctx.concurrency ?? 1);
    try {
      for (const entry of entries) {
        const message = this.wanted(entry);
        if (message === null) {
          unwanted.push(entry.entryId);
          continue;
        }
        lanes.add(message.subject, async () => {
          if (this.stopped()) return;
          await this.deliver(message);
          await ackEntries(this.ctx.redis, this.ctx.stream, this.subscription.id, [message.entryId]);
        });
      }
      await lanes.settle();
    } finally {
      await ackEntries(this.ctx.redis, this.ctx.stream, this.subscription.id, unwanted).catch(() => undefined);
    }
  }

  /** What to deliver of an entry, or null when the subscription does not want it. */
  private wanted(entry: StreamEntry): PendingDelivery | null {
    const body = entry.fields?.event;
    if (entry.fields === null || body === undefined) {
      this.log.warn({ entryId: entry.entryId }, 'a pending stream entry is gone (trimmed from the stream): skipped');
      return null;
    }
    // Entries the relay wrote are keyed by their fields, unparsed; anything else by its CloudEvent, or by its
    // type field alone when it holds none (delivered as is).
    const type = entry.fields.type ?? '';
    const key = entryKeyOf(entry.fields) ?? { type, indicator: null, unit: null };
    if (!matchesFilter(this.subscription, key)) return null;
    return { entryId: entry.entryId, eventId: entry.fields.id ?? entry.entryId, type: key.type, subject: entry.fields.subject ?? '', body };
  }

  /** Delivers with retries; when they run out, writes a dead letter. Throws (leaving the entry pending) on a stop. */
  private async deliver({ entryId, eventId, type, subject, body }: PendingDelivery): Promise<void> {
    const subscription = this.subscription;
    const outcome = await deliverWithRetry(subscription, { eventId, body }, { ...this.ctx.delivery, egress: this.ctx.egress }, {
      signal: this.stopping.signal,
      onAttemptFailed: async (attempt, result) => {
        this.log.warn({ eventId, attempt, of: this.ctx.delivery.maxAttempts, status: result.status, err: result.error, detail: result.detail, ms: result.ms }, 'webhook delivery attempt failed');
        await recordAttemptFailure(this.ctx.db, subscription.id, result.error ?? 'failed').catch((error: unknown) => {
          this.log.warn({ err: reason(error) }, 'could not count the failed attempt');
        });
      },
    });
    if (outcome.delivered) {
      this.log.debug({ eventId, entryId, attempts: outcome.attempts, status: outcome.last.status, ms: outcome.last.ms }, 'webhook delivered');
      return;
    }
    await writeDeadLetter(this.ctx.db, {
      subscriptionId: subscription.id, streamEntryId: entryId, eventId, eventType: type, subject, body,
      attempts: outcome.attempts, lastStatus: outcome.last.status, lastError: outcome.last.error,
    });
    this.log.error({ eventId, entryId, attempts: outcome.attempts, status: outcome.last.status, err: outcome.last.error, detail: outcome.last.detail }, 'webhook delivery given up: dead letter written, moving on');
  }
}
