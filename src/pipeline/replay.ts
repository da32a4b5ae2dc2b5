import { sql } from 'kysely';
import { LgspError } from '../errors.js';
import { finishRun, startRun, type SyncRun } from '../warehouse/sync-runs.js';
import { applyLanded } from './process-page.js';
import { landedRecord, renormaliseInBatches, type LandedRow } from './renormalise-batches.js';
import type { RenormaliseDeps } from './renormalise-deps.js';

const batchSize = 1000;

/**
 * Re-normalises the raw records an earlier run landed, without fetching: after a normaliser fix. Only records
 * that are still their key's current version are replayed (a later run's revision is not rolled back), and only
 * observations whose value now differs change. Resumable: progress is the last raw record id done.
 */
export async function replayRun(deps: RenormaliseDeps): Promise<SyncRun> {
  const { db, run } = deps;
  const replayOf = run.replay_of;
  if (replayOf === null) throw new LgspError('REPLAY_INVALID', `run ${run.id} is a replay without the run to replay`);
  await startRun(db, run.id, { replayOf });
  deps.logger.info({ replayOf }, 'replay started');
  const { total, lastRawRecordId } = await renormaliseInBatches<LandedRow>(
    deps,
    '*replay*',
    async (afterId) => (await sql<LandedRow>`
      select r.id, r.stream, r.source_key, r.payload, r.location, s.scope
      from raw_record r
      join source_record s on s.connection_id = r.connection_id and s.stream = r.stream and s.source_key = r.source_key and s.raw_record_id = r.id
      where r.sync_run_id = ${replayOf} and r.connection_id = ${run.connection_id} and r.id > ${afterId}
      order by r.id limit ${batchSize}`.execute(db)).rows,
    (trx, streamName, rows) => {
      const stream = deps.connector.streams.find((s) => s.name === streamName);
      if (!stream) throw new LgspError('REPLAY_INVALID', `connector ${deps.connector.id} no longer has stream "${streamName}" that run ${replayOf} landed`);
      const ref = { connectionId: run.connection_id, stream: streamName, runId: run.id };
      return applyLanded(trx, { db: trx, ref, stream, indicators: deps.indicators, units: deps.units, dependencies: deps.dependencies, graph: deps.graph, advanceConnectionCursor: false, logger: deps.logger }, rows.map(landedRecord), []);
    },
  );
  deps.logger.info({ ...total }, 'replay finished');
  return finishRun(db, run.id, { replayOf, lastRawRecordId });
}
