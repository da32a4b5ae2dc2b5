// npm run bench:sse [-- --clients 25 --events 200]
// The API's Server-Sent Events fan-out: an event appended to the Redis Stream reaching every client of
// /v1/events/stream (one blocked XREAD serves them all), and how long the API takes to close with the clients open.
import { Redis } from 'ioredis';
import { buildApi } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/env.js';
import { toCloudEvent, type CloudEvent } from '../../src/events/cloud-event.js';
import { observationChangedEvent } from '../../src/events/outbox-events.js';
import { appendToStream } from '../../src/events/redis-stream.js';
import { createLogger } from '../../src/logger.js';
import { createSyncQueue } from '../../src/queue/sync-queue.js';
import { createApiKey } from '../../src/warehouse/api-keys.js';
import { createBenchDatabase } from './bench-database.js';
import { followSse, type Arrivals } from './delivery-probes.js';
import { percentiles } from './processes.js';
import { writeBenchmarkSection } from './report.js';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const clientCount = option('clients', 25);
const eventCount = option('events', 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const ms = (x: number) => `${x.toFixed(1)} ms`;

const config = loadConfig();
const prefix = `lgsp-bench-sse-${process.pid}`;
const stream = `${prefix}:events`;
const bench = await createBenchDatabase(config.databaseUrl, `lgsp_bench_sse_${process.pid}`);
const redis = new Redis(config.redisUrl);
const appConfig = loadConfig({ ...process.env, LGSP_EVENTS_STREAM: stream, LGSP_QUEUE_PREFIX: prefix, DATABASE_URL: bench.url, LOG_LEVEL: 'warn' });
const syncQueue = createSyncQueue(appConfig.queue);
const app = await buildApi({ config: appConfig, db: bench.db, logger: createLogger('warn'), redis, syncQueue });
let closeMs: number | undefined;
try {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const { key } = await createApiKey(bench.db, 'bench', ['read']);
  const clients = Array.from({ length: clientCount }, () => new Map() as Arrivals);
  for (const arrivals of clients) followSse(`${url}/v1/events/stream`, key, arrivals);

  let seq = 0;
  const event = (): CloudEvent => {
    seq += 1;
    return toCloudEvent({ id: `bench-${seq}`, seq, type: observationChangedEvent, subject: `BENCH/91/2025-08`, time: new Date().toISOString(), data: { value: String(seq) } }, 'urn:lgsp-connect:bench');
  };
  const arrivedEverywhere = async (id: string) => {
    while (!clients.every((a) => a.has(id))) await sleep(5);
  };
  // Until a first event reaches every client, they are still connecting.
  const warmUp = event();
  const connecting = arrivedEverywhere(warmUp.id);
  while (!clients.every((a) => a.has(warmUp.id))) {
    await appendToStream(redis, { key: stream, maxLength: 100_000 }, [warmUp]);
    await Promise.race([connecting, sleep(200)]);
  }

  const sentAt = new Map<string, number>();
  for (let i = 0; i < eventCount; i++) {
    const e = event();
    sentAt.set(e.id, now());
    await appendToStream(redis, { key: stream, maxLength: 100_000 }, [e]);
    await sleep(10);
  }
  await arrivedEverywhere(`bench-${seq}`);
  const each: number[] = [];
  const lastClient: number[] = [];
  for (const [id, at] of sentAt) {
    const latencies = clients.map((a) => (a.get(id) ?? Number.NaN) - at);
    each.push(...latencies);
    lastClient.push(Math.max(...latencies));
  }

  const closing = now();
  await app.close();
  closeMs = now() - closing;

  const row = (name: string, values: readonly number[]) => {
    const p = percentiles(values);
    return `| ${name} | ${p.count.toLocaleString('en')} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} |`;
  };
  const body = [
    `${clientCount} clients follow \`/v1/events/stream\` (unfiltered) of an API in this process; ${eventCount} events are appended to`,
    'the Redis Stream one at a time, 10 ms apart. Latency is from the XADD to the arrival of the event at a client (each',
    'client, and the last of them for each event). The tests check that the clients share one blocked XREAD and all',
    'get the event; these figures say how fast.',
    '',
    '| arrival | deliveries | p50 | p99 | max |',
    '|---|---|---|---|---|',
    row('each client', each),
    row(`the last of the ${clientCount}`, lastClient),
    '',
    `Closing the API with the ${clientCount} streams open (every response ended, the tail's blocked connection closed): ${ms(closeMs)}.`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeBenchmarkSection('Server-Sent Events fan-out (`npm run bench:sse`)', body);
} finally {
  if (closeMs === undefined) await app.close();
  await syncQueue.obliterate({ force: true });
  await syncQueue.close();
  await redis.del(stream);
  redis.disconnect();
  await bench.drop();
}
