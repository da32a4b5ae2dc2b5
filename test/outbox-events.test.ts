import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutboxEvents, readUnpublished } from '../src/events/outbox-events.js';
import { relayPending } from '../src/events/relay.js';
import { observationRevisionBatch } from '../src/warehouse/observations.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference, writeDossierPage } from './support/warehouse-fixtures.js';

describe('outbox events', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());

  it('a page\'s revisions are one outbox row, read back as one event each, in order, resumable mid-batch', async () => {
    await insertConnection(t.db, { id: 'src', connectorId: 'test-dossiers', name: 'source', config: {}, secretRefs: {} });
    const { run } = await createRun(t.db, { connectionId: 'src', mode: 'incremental' });
    const units = (await sql<{ id: number; code: string }>`select id, code from admin_unit where level = 'province' and valid_to is null and code in ('40', '91', '01') order by code`.execute(t.db)).rows;
    await ensurePeriods(t.db, [parsePeriod('2025-08')]);
    const page = (values: readonly number[]) => writeDossierPage(t.db, run.id, units.map((u) => u.id), values);
    expect((await page([10, 20, 30])).events).toBe(3);
    await sql`insert into outbox_event (type, subject, data) values ('vn.lgsp.sync.completed.v1', 'sync/src/1', '{"runId": 1}')`.execute(t.db);
    expect((await page([10, 25, 30])).events).toBe(1); // only 40 changed
    expect(await t.db.selectFrom('outbox_event').select('seq').execute()).toHaveLength(3);

    const all = await readOutboxEvents(t.db);
    // Within a batch, revision order (the order the statement wrote them in).
    expect(all.slice(0, 3).map((e) => e.subject).sort()).toEqual(['DVC_DOSSIERS_NEW/01/2025-08', 'DVC_DOSSIERS_NEW/40/2025-08', 'DVC_DOSSIERS_NEW/91/2025-08']);
    expect(all.slice(3).map((e) => [e.type, e.subject])).toEqual([
      ['vn.lgsp.sync.completed.v1', 'sync/src/1'],
      ['vn.lgsp.observation.changed.v1', 'DVC_DOSSIERS_NEW/40/2025-08'],
    ]);
    expect(all[4]?.data).toMatchObject({ value: '25', previousValue: '20', change: 'update', status: 'final', unitOfMeasure: 'dossiers', connectionId: 'src', runId: run.id, unit: { code: '40', level: 'province' } });
    expect(new Set(all.map((e) => e.id)).size).toBe(5);

    // Read two at a time from where the last read stopped, revision ids included: the same events, no gap, no repeat.
    const paged = [];
    let position = { seq: 0, revisionId: 0 };
    for (;;) {
      const batch = await readOutboxEvents(t.db, position, 2);
      if (batch.length === 0) break;
      paged.push(...batch);
      const last = batch[batch.length - 1];
      if (last) position = { seq: last.seq, revisionId: Number(/^revision-(\d+)$/.exec(last.id)?.[1] ?? Number.MAX_SAFE_INTEGER) };
    }
    expect(paged).toEqual(all);

    // The relay's rounds hold whole rows, as many as fit about the event budget (at least one).
    const seqs = (await t.db.selectFrom('outbox_event').select('seq').orderBy('seq').execute()).map((r) => r.seq);
    expect((await readUnpublished(t.db, 1)).seqs).toEqual(seqs.slice(0, 1));
    expect((await readUnpublished(t.db, 4)).seqs).toEqual(seqs.slice(0, 2));
    const round = await readUnpublished(t.db, 5);
    expect(round.seqs).toEqual(seqs);
    expect(round.events).toEqual(all);
  });

  it('a large page is relayed in revision order, each event once; reading resumes inside it', async () => {
    await sql`update outbox_event set published_at = now()`.execute(t.db);
    const unit = (await sql<{ id: number }>`select id from admin_unit where level = 'province' and valid_to is null and code = '91'`.execute(t.db)).rows[0]?.id ?? 0;
    // 1,234 revisions written in shuffled id order within the batch row: the events still come in revision order.
    const ids = (await sql<{ id: number }>`
      insert into observation_revision (indicator_code, unit_id, period_code, change, new_value, new_status, connection_id)
      select 'DVC_DOSSIERS_NEW', ${unit}, 'P' || n, 'insert', n, 'final', 'src' from generate_series(1, 1234) as n
      returning id`.execute(t.db)).rows.map((r) => r.id);
    const shuffled = [...ids].sort((a, b) => (a * 7919) % 1234 - (b * 7919) % 1234);
    await sql`insert into outbox_event (type, revision_ids) values (${observationRevisionBatch}, ${shuffled}::bigint[])`.execute(t.db);

    const calls: string[][] = [];
    const delivered = await relayPending(t.db, (events) => { calls.push(events.map((e) => e.id)); return Promise.resolve(); }, { source: 'urn:test', eventsPerRound: 2000 });
    expect(delivered).toBe(1234);
    expect(calls.flat()).toEqual(ids.map((id) => `revision-${id}`));
    expect((await readUnpublished(t.db, 2000)).seqs).toEqual([]);

    const seq = (await sql<{ seq: number }>`select max(seq) as seq from outbox_event`.execute(t.db)).rows[0]?.seq ?? 0;
    const middle = ids[599] ?? 0;
    const rest = await readOutboxEvents(t.db, { seq, revisionId: middle }, 10_000);
    expect(rest.map((e) => e.id)).toEqual(ids.slice(600).map((id) => `revision-${id}`));
    expect(rest[0]?.data).toMatchObject({ indicator: 'DVC_DOSSIERS_NEW', unit: { code: '91' }, period: 'P601', value: '601' });
  });
});
