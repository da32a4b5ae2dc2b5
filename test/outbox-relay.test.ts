import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../src/events/cloud-event.js';
import { appendToStream } from '../src/events/redis-stream.js';
import { relayPending } from '../src/events/relay.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference, writeDossierPage } from './support/warehouse-fixtures.js';
import { startWorker, waitFor } from './support/worker-process.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('outbox relay to the Redis Stream', () => {
  let t: TestDatabase;
  let redis: Redis;
  let runId: number;
  let units: { id: number; code: string }[];
  const stream = `lgsp-test:events:${randomBytes(4).toString('hex')}`;

  /** Writes one page of changes for the three provinces (one outbox row, three events). */
  const page = (values: readonly number[]) => writeDossierPage(t.db, runId, units.map((u) => u.id), values);
  const streamed = async () => (await redis.xrange(stream, '-', '+')).map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1] ?? '{}') as CloudEvent);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    redis = new Redis(redisUrl);
    await insertConnection(t.db, { id: 'src', connectorId: 'test-dossiers', name: 'source', config: {}, secretRefs: {} });
    runId = (await createRun(t.db, { connectionId: 'src', mode: 'incremental' })).run.id;
    units = (await sql<{ id: number; code: string }>`select id, code from admin_unit where level = 'province' and valid_to is null and code in ('40', '91', '01') order by code`.execute(t.db)).rows;
    await ensurePeriods(t.db, [parsePeriod('2025-08')]);
  });
  afterAll(async () => {
    await redis.del(stream);
    redis.disconnect();
    await t.drop();
  });

  it('publishes CloudEvents in order; a relay killed between publishing and marking loses nothing, and redelivers with the same ids', async () => {
    const target = { key: stream, maxLength: 10_000 };
    const options = { source: 'urn:lgsp-connect:test', eventsPerRound: 1 };
    await page([10, 20, 30]);
    await page([11, 20, 30]);
    const deliver = (events: readonly CloudEvent[]) => appendToStream(redis, target, events);

    // The first round is published, then the relay dies before marking the row.
    await expect(relayPending(t.db, async (events) => { await deliver(events); throw new Error('killed'); }, options)).rejects.toThrow('killed');
    const afterCrash = await streamed();
    expect(afterCrash).toHaveLength(3);
    // Restarted: the unmarked row again (same ids), then the rest.
    expect(await relayPending(t.db, deliver, options)).toBe(4);
    const all = await streamed();
    expect(all.slice(0, 6).map((e) => e.id)).toEqual([...afterCrash, ...afterCrash].map((e) => e.id));
    expect(new Set(all.map((e) => e.id)).size).toBe(4); // every event arrived; duplicates only by id
    const last = all[all.length - 1];
    expect(last).toMatchObject({
      specversion: '1.0', source: 'urn:lgsp-connect:test', type: 'vn.lgsp.observation.changed.v1', datacontenttype: 'application/json',
      subject: 'DVC_DOSSIERS_NEW/01/2025-08', data: { value: '11', previousValue: '10', unit: { code: '01' }, runId },
    });
    expect(await t.db.selectFrom('outbox_event').select('seq').where('published_at', 'is', null).execute()).toEqual([]);
  });

  it('the relay process is woken by the commit, not the poll', async () => {
    // A poll of 23 days (under setInterval's 2^31 - 1 ms limit): events arriving at all were woken by the NOTIFY.
    // How fast they arrive is measured by `npm run bench:events` (commit to Redis Stream).
    const relay = await startWorker('workers/outbox-relay.ts', 'started', {
      DATABASE_URL: t.url, REDIS_URL: redisUrl, LGSP_EVENTS_STREAM: stream, LOG_LEVEL: 'info', LGSP_OUTBOX_POLL_MS: '2000000000',
    });
    try {
      await waitFor('the relay lock', () => Promise.resolve(relay.output().includes('holding the relay lock')), 10_000);
      const before = (await streamed()).length;
      await page([12, 21, 30]);
      await waitFor('the events in the stream', async () => (await streamed()).length >= before + 2, 30_000);
    } finally {
      relay.child.kill('SIGTERM');
      expect(await relay.exited).toBe(0);
    }
  }, 300_000); // a relay process: slow to start on a loaded machine

  it('keeps the stream near its cap: each batch is trimmed', async () => {
    const key = `${stream}:capped`;
    const event = (i: number): CloudEvent => ({
      specversion: '1.0', id: `event-${i}`, source: 'urn:test', type: 'vn.lgsp.test.v1', subject: 'x', time: new Date(0).toISOString(),
      datacontenttype: 'application/json', dataschema: 'urn:test', data: { i },
    });
    for (let batch = 0; batch < 5; batch++) await appendToStream(redis, { key, maxLength: 100 }, Array.from({ length: 150 }, (_, i) => event(batch * 150 + i)));
    // Approximate trimming drops only whole stream nodes, oldest first: what stays is the newest entries, at least
    // the cap and less than the cap plus one node (its size is the server's setting, read rather than assumed; 0
    // bounds nodes by bytes alone, and then only "fewer than all 750" holds).
    const kept = (await redis.xrange(key, '-', '+')).map(([, fields]) => fields[fields.indexOf('id') + 1]);
    const [, nodeEntries] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(100 + (Number(nodeEntries) || 650));
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `event-${750 - kept.length + i}`));
    await redis.del(key);
  });
});
