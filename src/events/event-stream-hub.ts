import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { matchesFilter, parseStreamEntry, type EventFilter, type StreamEvent } from './stream-events.js';
import { compareStreamIds } from './stream-ids.js';

/** Where a subscriber's messages go (an SSE response). */
export interface EventSink {
  /** Writes a message; false when the client's buffer is full (then wait for `drain`). */
  write(chunk: string): boolean;
  /** Resolves once the client's buffer has drained, or the client is gone. */
  drain(): Promise<void>;
  /** Bytes waiting in the client's buffer. */
  readonly buffered: number;
  /** Ends the response (the server closes, or the client fell too far behind). */
  end(): void;
}

export interface SubscribeOptions {
  /** Deliver the entries after this id (exclusive), read from the stream first; null: from now on. */
  readonly after: string | null;
  readonly filter: EventFilter;
  readonly sink: EventSink;
}

export interface EventStreamHubOptions {
  /** The Redis Stream key (LGSP_EVENTS_STREAM). */
  readonly key: string;
  /** A shared, non-blocking connection: the tail's start position and subscribers' catch-up reads. */
  readonly redis: Redis;
  /** Opens the tail reader's dedicated connection (it blocks in XREAD); opened on the first subscriber. */
  readonly openBlockingConnection: () => Redis;
  readonly logger: Logger;
  /** How long one XREAD blocks; the tail stops this long at most after its last subscriber left. */
  readonly blockMs?: number;
  /** Entries per XREAD / XRANGE. */
  readonly pageSize?: number;
  /** Live entries a catching-up subscriber holds before it drops them and reads them from the stream instead. */
  readonly maxPendingEntries?: number;
  /** A client whose unsent output exceeds this is disconnected (it resumes with Last-Event-ID). */
  readonly maxBufferedBytes?: number;
}

interface Entry {
  readonly streamId: string;
  /** Null for an entry that holds no CloudEvent: skipped, but it still advances positions. */
  readonly event: StreamEvent | null;
}

function toEntries(items: readonly (readonly [string, readonly string[]])[]): Entry[] {
  return items.map(([streamId, fields]) => ({ streamId, event: parseStreamEntry(streamId, fields) }));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One subscriber: its position (the last entry it was given or skipped by its filter) only ever moves forward,
 * so an entry reaching it twice (from its catch-up read and from the tail) is sent once.
 */
export class EventSubscription {
  private state: 'catching-up' | 'live' | 'closed';
  private pending: Entry[] = [];

  constructor(
    private readonly hub: EventStreamHub,
    private readonly filter: EventFilter,
    readonly sink: EventSink,
    private positionId: string,
    catchingUp: boolean,
    private readonly limits: { maxPendingEntries: number; maxBufferedBytes: number },
  ) {
    this.state = catchingUp ? 'catching-up' : 'live';
  }

  /** The id of the last entry this subscriber has passed (sent, or skipped by its filter). */
  get position(): string {
    return this.positionId;
  }

  /** A method, not a getter: it changes across awaits, which narrowing would not see. */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Entries from the tail: held while catching up, sent when live. */
  receive(entries: readonly Entry[]): void {
    if (this.state === 'closed') return;
    if (this.state === 'catching-up') {
      this.pending.push(...entries);
      // Too much held: drop it; the catch-up reads on to the end of the stream, which holds every one of them.
      if (this.pending.length > this.limits.maxPendingEntries) this.pending = [];
      return;
    }
    this.send(entries);
    this.checkBuffered();
  }

  /**
   * Sends the entries after the position (older ones are dropped) that pass the filter, in one write; false
   * when the client's buffer is full.
   */
  send(entries: readonly Entry[]): boolean {
    if (this.state === 'closed') return true;
    let out = '';
    for (const entry of entries) {
      if (compareStreamIds(entry.streamId, this.positionId) <= 0) continue;
      this.positionId = entry.streamId;
      if (entry.event !== null && matchesFilter(entry.event, this.filter)) out += entry.event.frame;
    }
    return out === '' || this.sink.write(out);
  }

  /** The catch-up read reached the end of the stream: send what the tail delivered meanwhile, then go live. */
  goLive(): void {
    if (this.state !== 'catching-up') return;
    const held = this.pending;
    this.pending = [];
    this.state = 'live';
    this.send(held);
    this.checkBuffered();
  }

  /** The client went away: stop delivering. */
  unsubscribe(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = [];
    this.hub.remove(this);
  }

  /** Ends the response as well (server closing, client too slow, stream unreadable). */
  close(): void {
    const wasOpen = this.state !== 'closed';
    this.unsubscribe();
    if (wasOpen) this.sink.end();
  }

  private checkBuffered(): void {
    if (this.sink.buffered > this.limits.maxBufferedBytes) this.close();
  }
}

/**
 * Fans the change-event stream out to any number of subscribers with one reader: a tail loop on a dedicated
 * connection (XREAD BLOCK from the last entry it read) runs while anyone subscribes, and hands each batch to
 * every subscriber, so a thousand clients cost one blocked Redis connection, not a thousand.
 *
 * A subscriber resuming after an entry id (Last-Event-ID) registers with the tail first, holding what it
 * delivers, then reads the stream after its id (XRANGE, exclusive) to the end, then sends what was held: the
 * tail's start lies before the end its read reached, so together they miss nothing, and its position drops
 * what both delivered. A subscriber from now starts at the tail's position.
 */
export class EventStreamHub {
  private readonly subscriptions = new Set<EventSubscription>();
  private readonly blockMs: number;
  private readonly pageSize: number;
  private readonly limits: { maxPendingEntries: number; maxBufferedBytes: number };
  /** The last entry id the tail read (or where it started). */
  private tailPosition = '0-0';
  private tailActive = false;
  private starting: Promise<void> | null = null;
  private tailLoop: Promise<void> | null = null;
  private blocking: Redis | null = null;
  private closed = false;

  constructor(private readonly options: EventStreamHubOptions) {
    this.blockMs = options.blockMs ?? 5_000;
    this.pageSize = options.pageSize ?? 500;
    this.limits = { maxPendingEntries: options.maxPendingEntries ?? 10_000, maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024 };
  }

  /** How many subscribers are connected. */
  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Whether the tail reader is running (it stops soon after the last subscriber leaves). */
  get tailRunning(): boolean {
    return this.tailActive;
  }

  async subscribe(options: SubscribeOptions): Promise<EventSubscription> {
    // The tail may be winding down (its last subscriber just left): then start it again.
    while (!this.tailActive) {
      if (this.closed) throw new Error('the event stream is closing');
      await this.startTail();
    }
    if (this.closed) throw new Error('the event stream is closing');
    const catchingUp = options.after !== null;
    const subscription = new EventSubscription(this, options.filter, options.sink, options.after ?? this.tailPosition, catchingUp, this.limits);
    this.subscriptions.add(subscription);
    if (catchingUp) void this.catchUp(subscription);
    return subscription;
  }

  /** Ends every subscriber's response and the tail's connection (the server is closing). */
  async close(): Promise<void> {
    this.closed = true;
    for (const subscription of [...this.subscriptions]) subscription.close();
    this.blocking?.disconnect();
    await this.tailLoop;
  }

  private isClosing(): boolean {
    return this.closed;
  }

  /** @internal */
  remove(subscription: EventSubscription): void {
    this.subscriptions.delete(subscription);
  }

  private startTail(): Promise<void> {
    this.starting ??= (async () => {
      try {
        const last = await this.options.redis.xrevrange(this.options.key, '+', '-', 'COUNT', 1);
        if (this.closed) return;
        this.tailPosition = last[0]?.[0] ?? '0-0';
        this.tailActive = true;
        this.tailLoop = this.runTail();
      } finally {
        this.starting = null;
      }
    })();
    return this.starting;
  }

  private async runTail(): Promise<void> {
    const connection = (this.blocking ??= this.options.openBlockingConnection());
    try {
      // At least one read: the subscriber that started the tail registers while it blocks.
      do {
        let items: [string, string[]][] = [];
        try {
          const reply = await connection.xread('COUNT', this.pageSize, 'BLOCK', this.blockMs, 'STREAMS', this.options.key, this.tailPosition);
          items = reply?.[0]?.[1] ?? [];
        } catch (error) {
          if (this.closed) return;
          this.options.logger.warn({ err: (error as Error).message, stream: this.options.key }, 'reading the event stream failed; retrying');
          await sleep(1_000);
          continue;
        }
        if (this.closed) return;
        if (items.length === 0) continue;
        const entries = toEntries(items);
        this.tailPosition = entries[entries.length - 1]?.streamId ?? this.tailPosition;
        for (const subscription of [...this.subscriptions]) subscription.receive(entries);
      } while (!this.isClosing() && this.subscriptions.size > 0);
    } finally {
      this.tailActive = false;
    }
  }

  private async catchUp(subscription: EventSubscription): Promise<void> {
    try {
      for (;;) {
        const page = await this.options.redis.xrange(this.options.key, `(${subscription.position}`, '+', 'COUNT', this.pageSize);
        if (subscription.isClosed()) return;
        if (page.length === 0) break;
        if (!subscription.send(toEntries(page))) await subscription.sink.drain();
        if (subscription.isClosed()) return;
      }
      subscription.goLive();
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, stream: this.options.key, after: subscription.position }, 'catching up on the event stream failed; closing the subscriber (it resumes with Last-Event-ID)');
      subscription.close();
    }
  }
}
