import { sql } from 'kysely';
import { LgspError } from '../errors.js';
import type { Db } from './database.js';

export interface ConnectionRemoval {
  readonly connection: string;
  readonly deleted: { runs: number; rawRecords: number; rejectedRecords: number; cursors: number };
  /** Warehouse rows kept, their provenance set to null: table -> rows. */
  readonly detached: Record<string, number>;
}

/** A connection cannot be removed as asked (a run is active, or it has data and no --force). */
export class ConnectionRemovalRefused extends LgspError {}

const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]?.n ?? 0;

/**
 * Removes a connection in one transaction. Refused while a run is queued or running. A connection whose figures
 * are in the warehouse (observations, revisions) is kept unless `force`: then those figures, their history and the
 * values computed from them stay, detached (connection and run set to null), so the warehouse does not change
 * behind the events it published. What the connection owns goes with it: runs and their progress, raw and
 * rejected records, source records and contributions, cursors.
 */
export async function removeConnection(db: Db, id: string, options: { force: boolean }): Promise<ConnectionRemoval> {
  return db.transaction().execute(async (trx) => {
    // Locks the row: a sync requested meanwhile waits for this transaction and then finds no connection.
    await sql`select id from connection where id = ${id} for update`.execute(trx);
    const active = await trx.selectFrom('sync_run').select(['id', 'status']).where('connection_id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
    if (active) {
      throw new ConnectionRemovalRefused('CONNECTION_BUSY', `connection ${id} has run ${active.id} ${active.status}: wait for it to end (\`lgsp runs show ${active.id} --wait\`), pause the schedule (\`lgsp schedule pause ${id}\`), then remove it.`);
    }
    const runs = sql`select id from sync_run where connection_id = ${id}`;
    const observations = await count(trx, sql<{ n: number }>`select count(*)::int as n from observation where connection_id = ${id} or sync_run_id in (${runs})`);
    const revisions = await count(trx, sql<{ n: number }>`select count(*)::int as n from observation_revision where connection_id = ${id} or sync_run_id in (${runs})`);
    if ((observations > 0 || revisions > 0) && !options.force) {
      throw new ConnectionRemovalRefused(
        'CONNECTION_HAS_DATA',
        `connection ${id} provided ${observations} observation(s) and ${revisions} revision(s) in the warehouse. To stop it syncing, pause it: \`lgsp schedule pause ${id}\`. ` +
          `To remove it anyway, run \`lgsp connections remove ${id} --force\`: its observations and their history stay in the warehouse, detached from the connection, and its runs, raw and rejected records and cursors are deleted.`,
      );
    }
    const detached: Record<string, number> = {};
    const detach = async (table: string, statement: ReturnType<typeof sql>) => {
      const n = Number((await statement.execute(trx)).numAffectedRows ?? 0);
      if (n > 0) detached[table] = n;
    };
    await detach('observation', sql`update observation set connection_id = null, sync_run_id = null where connection_id = ${id} or sync_run_id in (${runs})`);
    await detach('observation_revision', sql`update observation_revision set connection_id = null, sync_run_id = null where connection_id = ${id} or sync_run_id in (${runs})`);
    await detach('indicator_value', sql`update indicator_value set sync_run_id = null where sync_run_id in (${runs})`);
    await detach('indicator_value_revision', sql`update indicator_value_revision set sync_run_id = null where sync_run_id in (${runs})`);
    await detach('sync_run', sql`update sync_run set replay_of = null where replay_of in (${runs}) and connection_id <> ${id}`);

    const deleted = async (table: 'sync_state' | 'observation_contribution' | 'source_record' | 'rejected_record' | 'raw_record' | 'sync_run') =>
      Number((await trx.deleteFrom(table).where('connection_id', '=', id).executeTakeFirst()).numDeletedRows);
    const cursors = await deleted('sync_state');
    await deleted('observation_contribution');
    await deleted('source_record');
    const rejectedRecords = await deleted('rejected_record');
    const rawRecords = await deleted('raw_record');
    const runCount = await deleted('sync_run'); // sync_run_stream goes with it (on delete cascade)
    await trx.deleteFrom('connection').where('id', '=', id).execute();
    return { connection: id, deleted: { runs: runCount, rawRecords, rejectedRecords, cursors }, detached };
  });
}
