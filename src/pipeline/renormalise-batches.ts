import type { Json, SourceRecord } from '../connector-sdk/types.js';
import type { Db } from '../warehouse/database.js';
import type { LandedRecord } from '../warehouse/source-records.js';
import { readRunProgress, writeCursor } from '../warehouse/sync-state.js';
import { addRunCounts, sumCounts, zeroCounts, type RunCounts } from '../warehouse/sync-runs.js';
import { SyncInterruptedError } from './errors.js';
import type { RenormaliseDeps } from './renormalise-deps.js';

/** A raw record read back from the landing zone, with its source record's scope. */
export interface LandedRow {
  readonly id: number;
  readonly stream: string;
  readonly source_key: string;
  readonly payload: Json;
  readonly location: Record<string, Json> | null;
  readonly scope: string | null;
}

/** The record as its stream yielded it, to be normalised again (its raw row is the key's current version). */
export function landedRecord(r: LandedRow): LandedRecord {
  const record: SourceRecord = {
    key: r.source_key,
    data: r.payload,
    ...(r.scope !== null ? { scope: r.scope } : {}),
    ...(r.location !== null ? { location: r.location } : {}),
  };
  return { record, rawRecordId: r.id, replacesEarlier: true };
}

/**
 * Normalises landed records again, batch after batch in raw record id order: each batch in one transaction with
 * the run's counts and its progress (the last raw record id done, under `progressKey`), so a run cut short resumes
 * after its last committed batch. `next` reads the batch after an id; `apply` normalises one stream's rows of it.
 * Stops between batches when the run's signal is aborted.
 */
export async function renormaliseInBatches<Row extends LandedRow>(
  deps: RenormaliseDeps,
  progressKey: string,
  next: (afterId: number) => Promise<readonly Row[]>,
  apply: (trx: Db, stream: string, rows: readonly Row[]) => Promise<RunCounts>,
): Promise<{ total: RunCounts; lastRawRecordId: number }> {
  const { db, run } = deps;
  const progress = await readRunProgress(db, run.id, progressKey);
  let afterId = typeof progress?.cursor === 'number' ? progress.cursor : 0;
  let total = zeroCounts();
  for (;;) {
    const rows = await next(afterId);
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
    const counts = await db.transaction().execute(async (trx) => {
      let batch = zeroCounts();
      for (const [stream, group] of groupByStream(rows)) batch = sumCounts(batch, await apply(trx, stream, group));
      batch.records_fetched = rows.length;
      await writeCursor(trx, { connectionId: run.connection_id, stream: progressKey, runId: run.id }, afterId, { advanceConnection: false });
      await addRunCounts(trx, run.id, batch);
      return batch;
    });
    total = sumCounts(total, counts);
    await deps.onPage?.({ runId: run.id, stream: progressKey, page: counts, total });
    if (deps.signal.aborted) throw new SyncInterruptedError(run.id);
  }
  return { total, lastRawRecordId: afterId };
}

function groupByStream<Row extends LandedRow>(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const list = out.get(r.stream) ?? [];
    list.push(r);
    out.set(r.stream, list);
  }
  return out;
}
