import { sql } from 'kysely';
import type { Json, SourceRecord } from '../connector-sdk/types.js';
import { LgspError } from '../errors.js';
import type { LandedRecord } from '../warehouse/source-records.js';
import { readRunProgress, writeCursor } from '../warehouse/sync-state.js';
import { addRunCounts, finishRun, startRun, sumCounts, zeroCounts, type SyncRun } from '../warehouse/sync-runs.js';
import { SyncInterruptedError } from './errors.js';
import type { RenormaliseDeps } from './renormalise-deps.js';
import { applyLanded } from './process-page.js';

const batchSize = 1000;

interface RawRow {
  id: number;
  stream: string;
  source_key: string;
  payload: Json;
  location: Record<string, Json> | null;
  scope: string | null;
}

/**
 * Re-normalises the raw records an earlier run landed, without fetching: after a normaliser fix. Only records
 * that are still their key's current version are replayed (a later run's revision is not rolled back), and only
 * observations whose value now differs change. Resumable: progress is the last raw record id done.
 */
export async function replayRun(deps: RenormaliseDeps): Promise<SyncRun> {
  const { db, run } = deps;
  if (run.replay_of === null) throw new LgspError('REPLAY_INVALID', `run ${run.id} is a replay without the run to replay`);
  const progressKey = '*replay*';
  const progress = await readRunProgress(db, run.id, progressKey);
  let afterId = typeof progress?.cursor === 'number' ? progress.cursor : 0;
  await startRun(db, run.id, { replayOf: run.replay_of });
  deps.logger.info({ replayOf: run.replay_of }, 'replay started');
  let total = zeroCounts();

  for (;;) {
    const rows = await sql<RawRow>`
      select r.id, r.stream, r.source_key, r.payload, r.location, s.scope
      from raw_record r
      join source_record s on s.connection_id = r.connection_id and s.stream = r.stream and s.source_key = r.source_key and s.raw_record_id = r.id
      where r.sync_run_id = ${run.replay_of} and r.connection_id = ${run.connection_id} and r.id > ${afterId}
      order by r.id limit ${batchSize}`.execute(db);
    if (rows.rows.length === 0) break;
    afterId = rows.rows[rows.rows.length - 1]?.id ?? afterId;
    const counts = await db.transaction().execute(async (trx) => {
      let batch = zeroCounts();
      for (const [streamName, group] of groupByStream(rows.rows)) {
        const stream = deps.connector.streams.find((s) => s.name === streamName);
        if (!stream) throw new LgspError('REPLAY_INVALID', `connector ${deps.connector.id} no longer has stream "${streamName}" that run ${run.replay_of} landed`);
        const ref = { connectionId: run.connection_id, stream: streamName, runId: run.id };
        const c = await applyLanded(trx, { db: trx, ref, stream, indicators: deps.indicators, units: deps.units, dependencies: deps.dependencies, graph: deps.graph, advanceConnectionCursor: false, logger: deps.logger }, group, []);
        batch = sumCounts(batch, c);
      }
      batch.records_fetched = rows.rows.length;
      await writeCursor(trx, { connectionId: run.connection_id, stream: progressKey, runId: run.id }, afterId, { advanceConnection: false });
      await addRunCounts(trx, run.id, batch);
      return batch;
    });
    total = sumCounts(total, counts);
    await deps.onPage?.({ runId: run.id, stream: progressKey, page: counts, total });
    if (deps.signal.aborted) throw new SyncInterruptedError(run.id);
  }
  deps.logger.info({ ...total }, 'replay finished');
  return finishRun(db, run.id, { replayOf: run.replay_of, lastRawRecordId: afterId });
}

function groupByStream(rows: readonly RawRow[]): Map<string, LandedRecord[]> {
  const out = new Map<string, LandedRecord[]>();
  for (const r of rows) {
    const record: SourceRecord = {
      key: r.source_key,
      data: r.payload,
      ...(r.scope !== null ? { scope: r.scope } : {}),
      ...(r.location !== null ? { location: r.location } : {}),
    };
    const list = out.get(r.stream) ?? [];
    list.push({ record, rawRecordId: r.id, replacesEarlier: true });
    out.set(r.stream, list);
  }
  return out;
}

