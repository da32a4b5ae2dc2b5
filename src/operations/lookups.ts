import { NotFoundError } from '../errors.js';
import { findConnection, type Connection } from '../warehouse/connections.js';
import type { Db } from '../warehouse/database.js';
import { getRun, type SyncRun } from '../warehouse/sync-runs.js';

/** The connection the caller named, or NotFoundError (CLI exit 1, HTTP 404). */
export async function requireConnection(db: Db, id: string): Promise<Connection> {
  const connection = await findConnection(db, id);
  if (!connection) {
    throw new NotFoundError('Connection', id, 'Run `lgsp connections list` (GET /v1/connections) to see the connections, or add it with `lgsp connections add` (POST /v1/connections).');
  }
  return connection;
}

/** The run the caller named, or NotFoundError (CLI exit 1, HTTP 404). */
export async function requireRun(db: Db, id: number): Promise<SyncRun> {
  const run = await getRun(db, id);
  if (!run) throw new NotFoundError('Sync run', String(id), 'Run `lgsp runs list` (GET /v1/runs) to see the runs.');
  return run;
}
