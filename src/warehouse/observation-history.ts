import type { Db } from './database.js';
import type { ObservationStatus, SyncMode, SyncStatus } from './schema.js';

/** The current state of one observation: its value and the connection and run that last changed it. */
export interface CurrentObservation {
  readonly value: string;
  readonly status: ObservationStatus;
  readonly measureUnit: string;
  readonly connectionId: string | null;
  readonly runId: number | null;
  readonly rawRecordIds: readonly number[];
  /** A contribution of the connection named a unit merged before its date, resolved to this successor. */
  readonly unitsViaSuccession: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The run that made a change; mode and status null once the run is gone. */
export interface RevisionRun {
  readonly id: number;
  readonly mode: SyncMode | null;
  readonly status: SyncStatus | null;
  readonly startedAt: Date | null;
}

/** One change of an observation, with where it came from. */
export interface Revision {
  readonly id: number;
  readonly change: 'insert' | 'update' | 'remove';
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly oldStatus: ObservationStatus | null;
  readonly newStatus: ObservationStatus | null;
  /** Null when the connection was removed with --force (its history is kept, detached). */
  readonly connection: { readonly id: string; readonly name: string | null; readonly connectorId: string | null } | null;
  readonly run: RevisionRun | null;
  /** The landed source records behind the change (the new value's, or the removed value's); null: not recorded (before migration 0017). */
  readonly rawRecordIds: readonly number[] | null;
  readonly changedAt: Date;
}

export interface ObservationHistory {
  readonly current: CurrentObservation | null;
  /** Oldest first. */
  readonly revisions: Revision[];
}

/**
 * The history of one observation key (indicator, unit version, period): revisions are keyed by the natural key, so
 * the history of a removed observation is still there. Both reads use the key's index.
 */
export async function observationHistory(db: Db, key: { indicator: string; unitId: number; period: string }): Promise<ObservationHistory> {
  const [current, revisions] = await Promise.all([
    db
      .selectFrom('observation')
      .select(['value', 'status', 'measure_unit', 'connection_id', 'sync_run_id', 'raw_record_ids', 'units_via_succession', 'created_at', 'updated_at'])
      .where('indicator_code', '=', key.indicator)
      .where('unit_id', '=', key.unitId)
      .where('period_code', '=', key.period)
      .executeTakeFirst(),
    db
      .selectFrom('observation_revision as r')
      .leftJoin('connection as c', 'c.id', 'r.connection_id')
      .leftJoin('sync_run as s', 's.id', 'r.sync_run_id')
      .select([
        'r.id', 'r.change', 'r.old_value', 'r.new_value', 'r.old_status', 'r.new_status', 'r.connection_id', 'r.sync_run_id', 'r.raw_record_ids', 'r.changed_at',
        'c.name as connection_name', 'c.connector_id', 's.mode', 's.status as run_status', 's.started_at',
      ])
      .where('r.indicator_code', '=', key.indicator)
      .where('r.unit_id', '=', key.unitId)
      .where('r.period_code', '=', key.period)
      .orderBy('r.id')
      .execute(),
  ]);
  return {
    current: current
      ? {
          value: current.value,
          status: current.status,
          measureUnit: current.measure_unit,
          connectionId: current.connection_id,
          runId: current.sync_run_id,
          // bigint[] arrives as text (only scalar int8 has a parser): ids stay far below 2^53.
          rawRecordIds: current.raw_record_ids.map(Number),
          unitsViaSuccession: current.units_via_succession,
          createdAt: current.created_at,
          updatedAt: current.updated_at,
        }
      : null,
    revisions: revisions.map((r) => ({
      id: r.id,
      change: r.change,
      oldValue: r.old_value,
      newValue: r.new_value,
      oldStatus: r.old_status,
      newStatus: r.new_status,
      connection: r.connection_id === null ? null : { id: r.connection_id, name: r.connection_name, connectorId: r.connector_id },
      run: r.sync_run_id === null ? null : { id: r.sync_run_id, mode: r.mode, status: r.run_status, startedAt: r.started_at },
      rawRecordIds: r.raw_record_ids?.map(Number) ?? null,
      changedAt: r.changed_at,
    })),
  };
}
