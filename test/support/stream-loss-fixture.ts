import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { CloudEvent } from '../../src/events/cloud-event.js';
import { readOutboxEvents, type OutboxEvent } from '../../src/events/outbox-events.js';
import { StreamPublisher, publishPending } from '../../src/events/stream-publisher.js';
import type { StreamLoss } from '../../src/events/stream-recovery.js';
import { parsePeriod } from '../../src/periods/period.js';
import { ensurePeriods } from '../../src/periods/store.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { loadProvinceReference, writeDossierPage } from './warehouse-fixtures.js';

/** A warehouse with an outbox, a stream of its own and the relay's publishing, as the relay process runs it. */
export interface StreamLossFixture {
  readonly t: TestDatabase;
  readonly stream: string;
  readonly publisher: StreamPublisher;
  /** The losses the relay reported, in order. */
  readonly losses: StreamLoss[];
  /** Writes one page of changes for three provinces: one outbox row, three events. */
  page(values: readonly number[]): Promise<void>;
  /** One relay pass (publishPending): returns the events delivered. */
  publish(): Promise<number>;
  /** The stream's entries, in order, with their CloudEvents. */
  streamed(): Promise<{ entryId: string; event: CloudEvent }[]>;
  /** Every event the outbox holds, in outbox order. */
  outbox(): Promise<OutboxEvent[]>;
  drop(): Promise<void>;
}

export async function startStreamLossFixture(redis: Redis): Promise<StreamLossFixture> {
  const t = await createTestDatabase();
  await loadProvinceReference(t.db);
  await insertConnection(t.db, { id: 'src', connectorId: 'test-dossiers', name: 'source', config: {}, secretRefs: {} });
  const runId = (await createRun(t.db, { connectionId: 'src', mode: 'incremental' })).run.id;
  const units = (await sql<{ id: number }>`select id from admin_unit where level = 'province' and valid_to is null and code in ('40', '91', '01') order by code`.execute(t.db)).rows;
  await ensurePeriods(t.db, [parsePeriod('2025-08')]);
  const stream = `lgsp-test:stream-loss:${randomBytes(4).toString('hex')}`;
  const publisher = new StreamPublisher(t.db, redis, { key: stream, maxLength: 100_000 });
  const losses: StreamLoss[] = [];
  return {
    t,
    stream,
    publisher,
    losses,
    page: async (values) => { await writeDossierPage(t.db, runId, units.map((u) => u.id), values); },
    publish: () => publishPending(t.db, publisher, { source: 'urn:lgsp-connect:test', eventsPerRound: 4 }, (loss) => { losses.push(loss); }),
    streamed: async () => (await redis.xrange(stream, '-', '+')).map(([entryId, fields]) => ({ entryId, event: JSON.parse(fields[fields.indexOf('event') + 1] ?? '{}') as CloudEvent })),
    outbox: () => readOutboxEvents(t.db, undefined, 100_000),
    drop: async () => {
      await redis.del(stream);
      await t.drop();
    },
  };
}
