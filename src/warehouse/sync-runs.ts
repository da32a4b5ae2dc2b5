import { sql, type Selectable } from 'kysely';
import type { Json } from '../connector-sdk/types.js';
import { publicError, statusClassOf, storedErrorOf, type ErrorOrigin, type StoredError } from '../boundary/read-back.js';
import { errorCatalogue, LgspError, SourceError } from '../errors.js';
import type { Db } from './database.js';
import type { SyncMode, SyncRunTable } from './schema.js';

export type SyncRun = Selectable<SyncRunTable>;

export const syncCompletedEvent = 'vn.lgsp.sync.completed.v1';
export const syncFailedEvent = 'vn.lgsp.sync.failed.v1';

/** What one page (or one run) did; added to the run's counters in the page's transaction. */
export interface RunCounts {
  records_fetched: number;
  records_landed: number;
  records_unchanged: number;
  records_rejected: number;
  observations_inserted: number;
  observations_updated: number;
  observations_removed: number;
  observations_unchanged: number;
  events_written: number;
  /** Units resolved from a legacy name to their successor (each flagged in its observation's provenance). */
  units_via_succession: number;
}

export const zeroCounts = (): RunCounts => ({
  records_fetched: 0, records_landed: 0, records_unchanged: 0, records_rejected: 0,
  observations_inserted: 0, observations_updated: 0, observations_removed: 0, observations_unchanged: 0, events_written: 0, units_via_succession: 0,
});

export function sumCounts(a: RunCounts, b: RunCounts): RunCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof RunCounts)[]) out[k] = a[k] + b[k];
  return out;
}

export interface RunRequest {
  readonly connectionId: string;
  readonly mode: SyncMode;
  readonly params?: Readonly<Record<string, Json>>;
  readonly replayOf?: number;
  /** The job that creates the run (a scheduled one), stored with it at once so no reconciler thinks it lost. */
  readonly jobId?: string;
}

/** A run that is queued or running: the one a connection may have at a time. */
export const activeRunStatuses = ['queued', 'running'] as const;

/**
 * The run was cancelled (`lgsp runs cancel`) while this process worked on it: what it was writing is rolled back
 * and it stops. Not a failure of the sync.
 */
export class RunCancelledError extends LgspError {
  constructor(runId: number) {
    super('RUN_CANCELLED', `run ${runId} was cancelled by an operator; start a new one with \`lgsp sync <connection>\` when wanted: it resumes from the connection's cursor.`);
  }
}

/**
 * Queues a run, unless the connection already has one queued or running: then that run is returned and
 * `joined` is true (one sync per connection at a time; a partial unique index enforces it).
 */
export async function createRun(db: Db, request: RunRequest): Promise<{ run: SyncRun; joined: boolean }> {
  const inserted = await sql<SyncRun>`
    insert into sync_run (connection_id, mode, params, replay_of, job_id)
    values (${request.connectionId}, ${request.mode}, ${JSON.stringify(request.params ?? {})}::jsonb, ${request.replayOf ?? null}, ${request.jobId ?? null})
    on conflict (connection_id) where status in ('queued', 'running') do nothing
    returning *`.execute(db);
  const [run] = inserted.rows;
  if (run) return { run, joined: false };
  const active = await db.selectFrom('sync_run').selectAll().where('connection_id', '=', request.connectionId).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  if (!active) return createRun(db, request); // it finished in between: try again
  return { run: active, joined: true };
}

export async function getRun(db: Db, runId: number): Promise<SyncRun | undefined> {
  return db.selectFrom('sync_run').selectAll().where('id', '=', runId).executeTakeFirst();
}

export async function setRunJob(db: Db, runId: number, jobId: string): Promise<void> {
  await db.updateTable('sync_run').set({ job_id: jobId }).where('id', '=', runId).execute();
}

/** Marks the run running (again, after an interruption: its start and first cursor stay); a cancelled run stays so. */
export async function startRun(db: Db, runId: number, cursorBefore: Json): Promise<void> {
  const started = await sql`update sync_run set status = 'running', started_at = coalesce(started_at, now()),
      cursor_before = coalesce(cursor_before, ${JSON.stringify(cursorBefore)}::jsonb), error = null
    where id = ${runId} and status in ('queued', 'running')`.execute(db);
  if (started.numAffectedRows === 0n) throw new RunCancelledError(runId);
}

/**
 * Adds a page's counts, in the page's transaction. A run cancelled meanwhile (the row no longer active) throws
 * RunCancelledError: the page rolls back whole, so a cancelled run never commits half a page.
 */
export async function addRunCounts(db: Db, runId: number, c: RunCounts): Promise<void> {
  const updated = await sql`update sync_run set
      records_fetched = records_fetched + ${c.records_fetched}, records_landed = records_landed + ${c.records_landed},
      records_unchanged = records_unchanged + ${c.records_unchanged}, records_rejected = records_rejected + ${c.records_rejected},
      observations_inserted = observations_inserted + ${c.observations_inserted},
      observations_updated = observations_updated + ${c.observations_updated},
      observations_removed = observations_removed + ${c.observations_removed},
      observations_unchanged = observations_unchanged + ${c.observations_unchanged},
      events_written = events_written + ${c.events_written},
      units_via_succession = units_via_succession + ${c.units_via_succession}
    where id = ${runId} and status in ('queued', 'running')`.execute(db);
  if (updated.numAffectedRows === 0n) throw new RunCancelledError(runId);
}

async function runEvent(db: Db, type: string, run: SyncRun): Promise<void> {
  await db
    .insertInto('outbox_event')
    .values({
      type,
      subject: `sync/${run.connection_id}/${run.id}`,
      // Subscribers hold read keys: the error as callers without admin scope see it.
      data: JSON.stringify({ runId: run.id, connectionId: run.connection_id, mode: run.mode, status: run.status, error: run.error === null ? null : publicError(storedErrorOf(run.error)) }),
    })
    .execute();
}

export async function finishRun(db: Db, runId: number, cursorAfter: Json): Promise<SyncRun> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('sync_run')
      .set({ status: 'succeeded', finished_at: new Date(), cursor_after: JSON.stringify(cursorAfter), error: null })
      .where('id', '=', runId)
      .where('status', 'in', activeRunStatuses)
      .returningAll()
      .executeTakeFirst();
    if (!run) throw new RunCancelledError(runId);
    await runEvent(trx, syncCompletedEvent, run);
    return run;
  });
}

/** The error and its cause chain, as stored on a failed run and shown to operators (to others: `publicError`). */
export function describeError(error: unknown): StoredError & { permanent: boolean } {
  const causes: string[] = [];
  for (let c = (error as { cause?: unknown } | null)?.cause; c !== undefined && c !== null && causes.length < 5; c = (c as { cause?: unknown }).cause) {
    causes.push(c instanceof Error ? `${c.name}: ${c.message}` : JSON.stringify(c));
  }
  const code = error instanceof LgspError ? error.code : 'INTERNAL';
  // A source error knows from the answer whether a retry can help; any other of ours says so in its catalogue entry.
  const permanent = error instanceof SourceError ? error.permanent : error instanceof LgspError && errorCatalogue[error.code].permanent;
  const origin: ErrorOrigin = error instanceof SourceError ? 'source' : error instanceof LgspError ? 'engine' : 'internal';
  const status = error instanceof SourceError ? error.status : undefined;
  return {
    code, message: error instanceof Error ? error.message : String(error), permanent, causes, origin,
    ...(status === undefined ? {} : { statusClass: statusClassOf(status) }),
  };
}

/**
 * Records the error, with what to do next when given; `final` marks the run failed (no retries left, or a permanent
 * error). A run that is no longer active (cancelled meanwhile) keeps what it has: undefined.
 */
export async function recordRunError(db: Db, runId: number, error: unknown, final: boolean, nextStep?: string): Promise<SyncRun | undefined> {
  const cause = describeError(error);
  const described = nextStep === undefined ? cause : { ...cause, message: `${cause.message} ${nextStep}` };
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('sync_run')
      .set({ error: JSON.stringify(described), ...(final ? { status: 'failed' as const, finished_at: new Date() } : {}) })
      .where('id', '=', runId)
      .where('status', 'in', activeRunStatuses)
      .returningAll()
      .executeTakeFirst();
    if (run && final) await runEvent(trx, syncFailedEvent, run);
    return run;
  });
}

/**
 * Ends an active run that an operator gives up on: cancelled, with the error RUN_CANCELLED, and the usual
 * run-finished event (`vn.lgsp.sync.failed.v1` with status cancelled). Waits for a page being committed (its row
 * lock), so the run stops between pages. Undefined when the run is not active.
 */
export async function cancelRun(db: Db, runId: number): Promise<SyncRun | undefined> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('sync_run')
      .set({ status: 'cancelled', finished_at: new Date(), error: JSON.stringify(describeError(new RunCancelledError(runId))) })
      .where('id', '=', runId)
      .where('status', 'in', activeRunStatuses)
      .returningAll()
      .executeTakeFirst();
    if (run) await runEvent(trx, syncFailedEvent, run);
    return run;
  });
}
