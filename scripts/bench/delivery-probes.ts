import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

/** When each event reached a subscriber, by CloudEvent id (the first arrival counts). */
export type Arrivals = Map<string, number>;

function arrive(arrivals: Arrivals, id: string): void {
  if (!arrivals.has(id)) arrivals.set(id, performance.timeOrigin + performance.now());
}

/**
 * Commit times of outbox rows: PostgreSQL notifies at commit; at each notification the newest committed row is
 * read, and every row up to it is taken as committed then. A row committed between the notification and that
 * read gets the earlier time, so latencies err long, never short.
 */
export class CommitClock {
  private readonly marks: { at: number; seq: number }[] = [];
  private constructor(private readonly client: pg.Client) {}

  static async start(databaseUrl: string): Promise<CommitClock> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const clock = new CommitClock(client);
    let reading = Promise.resolve();
    client.on('notification', () => {
      const at = performance.timeOrigin + performance.now();
      reading = reading.then(async () => {
        const r = await client.query<{ seq: string | null }>('select max(seq) as seq from outbox_event');
        clock.marks.push({ at, seq: Number(r.rows[0]?.seq ?? 0) });
      });
    });
    await client.query('listen lgsp_outbox');
    return clock;
  }

  /** The commit time of outbox row `seq`, or undefined if no notification covered it. */
  committedAt(seq: number): number | undefined {
    return this.marks.find((m) => m.seq >= seq)?.at;
  }

  async stop(): Promise<void> {
    await this.client.end();
  }
}

/** Reads the Redis Stream as a consumer does (XREAD BLOCK from now). */
export function readStream(redisUrl: string, key: string, arrivals: Arrivals): { stop: () => void } {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const state = { running: true };
  void (async () => {
    let last = '$';
    while (state.running) {
      const result = await redis.xread('COUNT', 10_000, 'BLOCK', 1000, 'STREAMS', key, last).catch(() => null);
      for (const [, entries] of result ?? []) {
        for (const [entryId, fields] of entries) {
          last = entryId;
          const id = fields[fields.indexOf('id') + 1];
          if (id !== undefined) arrive(arrivals, id);
        }
      }
    }
  })();
  return { stop: () => { state.running = false; redis.disconnect(); } };
}

/** Follows the API's Server-Sent Events stream and notes each event's arrival. */
export function followSse(url: string, key: string, arrivals: Arrivals): { stop: () => void } {
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' }, signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`SSE answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (data !== '') arrive(arrivals, (JSON.parse(data) as { id: string }).id);
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) process.stderr.write(`SSE reader failed: ${(error as Error).message}\n`);
  });
  return { stop: () => { abort.abort(); } };
}

/** A webhook receiver answering 204 to every delivery. */
export async function startWebhookReceiver(arrivals: Arrivals): Promise<{ url: string; stop: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      arrive(arrivals, (JSON.parse(body) as { id: string }).id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => { r(); }); }),
  };
}
