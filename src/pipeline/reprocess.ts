import { sql } from 'kysely';
import type { Json } from '../connector-sdk/types.js';
import { LgspError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import { rejectionSelectionSchema, selectedRejections } from '../warehouse/rejection-selection.js';
import type { LandedRecord } from '../warehouse/source-records.js';
import { finishRun, startRun, type RunCounts, type SyncRun } from '../warehouse/sync-runs.js';
import { normaliseRecords } from './normalise.js';
import { applyNormalised } from './process-page.js';
import { landedRecord, renormaliseInBatches, type LandedRow } from './renormalise-batches.js';
import type { RenormaliseDeps } from './renormalise-deps.js';

const batchSize = 500;
const progressKey = '*reprocess*';

/** A raw record behind selected rejections, with those rejections' ids. */
interface RawRow extends LandedRow {
  readonly rejection_ids: number[];
}

/**
 * Normalises the chosen rejected records again from the landing zone (raw_record), without fetching: after a
 * steward's fix (an alias) or a normaliser fix. A record that now normalises changes observations like a sync page
 * (revisions, outbox events) and its rejections are resolved by this run; one still failing stays rejected with the
 * new reason. Only records still their key's current version are taken (a later version was normalised on its own).
 * Resumable: progress is the last raw record id done.
 */
export async function reprocessRun(deps: RenormaliseDeps): Promise<SyncRun> {
  const { db, run } = deps;
  const parsed = rejectionSelectionSchema.safeParse(run.params);
  if (!parsed.success) throw new LgspError('REPROCESS_INVALID', `run ${run.id} is a reprocess without a valid selection of rejected records: ask for it again with \`lgsp rejected reprocess\``);
  const selection = parsed.data;
  await startRun(db, run.id, { reprocess: run.params as Json });
  deps.logger.info({ selection }, 'reprocess started');
  const { total, lastRawRecordId } = await renormaliseInBatches<RawRow>(
    deps,
    progressKey,
    async (afterId) => {
      const chosen = selectedRejections(db, run.connection_id, selection).select(['j.id', 'j.raw_record_id']);
      return (await sql<RawRow>`
        select r.id, r.stream, r.source_key, r.payload, r.location, s.scope, array_agg(c.id order by c.id) as rejection_ids
        from (${chosen}) c
        join raw_record r on r.id = c.raw_record_id
        join source_record s on s.connection_id = r.connection_id and s.stream = r.stream and s.source_key = r.source_key and s.raw_record_id = r.id
        where r.id > ${afterId}
        group by r.id, s.scope
        order by r.id limit ${batchSize}`.execute(db)).rows;
    },
    (trx, stream, rows) => reprocessStream(trx, deps, stream, rows.map((r) => ({ landed: landedRecord(r), rejectionIds: r.rejection_ids.map(Number) }))),
  );
  deps.logger.info({ ...total }, 'reprocess finished');
  return finishRun(db, run.id, { reprocess: run.params as Json, lastRawRecordId });
}

interface Taken {
  readonly landed: LandedRecord;
  readonly rejectionIds: readonly number[];
}

async function reprocessStream(trx: Db, deps: RenormaliseDeps, streamName: string, taken: readonly Taken[]): Promise<RunCounts> {
  const { run } = deps;
  const stream = deps.connector.streams.find((s) => s.name === streamName);
  if (!stream) throw new LgspError('REPROCESS_INVALID', `connector ${deps.connector.id} no longer has stream "${streamName}" whose records were rejected: nothing of it can be reprocessed`);
  const ref = { connectionId: run.connection_id, stream: streamName, runId: run.id };
  const landed = taken.map((t) => t.landed);
  const normalised = await normaliseRecords(stream, landed, { connectionId: run.connection_id, indicators: deps.indicators, units: deps.units });
  const ctx = { db: trx, ref, stream, indicators: deps.indicators, units: deps.units, dependencies: deps.dependencies, graph: deps.graph, advanceConnectionCursor: false, logger: deps.logger };
  const counts = await applyNormalised(trx, ctx, landed, { ...normalised, rejections: [] }, []);

  const byRaw = new Map(taken.map((t) => [t.landed.rawRecordId, t.rejectionIds]));
  const failed = new Set(normalised.rejections.map((r) => r.rawRecordId));
  const resolved = taken.filter((t) => !failed.has(t.landed.rawRecordId)).flatMap((t) => t.rejectionIds);
  if (resolved.length > 0) {
    await trx.updateTable('rejected_record').set({ resolved_at: new Date(), resolved_by_run_id: run.id }).where('id', 'in', resolved).execute();
  }
  // Still failing: the same rejected records, with today's reason (an alias may have turned UNIT_NOT_FOUND into another).
  for (const r of normalised.rejections) {
    const ids = byRaw.get(r.rawRecordId) ?? [];
    if (ids.length > 0) await trx.updateTable('rejected_record').set({ code: r.code, reason: r.reason }).where('id', 'in', ids).execute();
  }
  return { ...counts, records_rejected: normalised.rejections.length };
}
