import type { Db } from './database.js';
import type { RevisionRun } from './observation-history.js';

/** The computed value of a key now (table indicator_value). */
export interface CurrentComputedValue {
  readonly value: string;
  readonly notes: readonly string[];
  readonly runId: number | null;
  readonly computedAt: Date;
}

/** One change of a computed value, with the run whose refresh recomputed it. */
export interface ComputedRevision {
  readonly id: number;
  readonly change: 'insert' | 'update' | 'remove';
  readonly oldValue: string | null;
  readonly newValue: string | null;
  /** How the new value was formed; empty on a remove. */
  readonly notes: readonly string[];
  readonly run: RevisionRun | null;
  readonly changedAt: Date;
}

export interface ComputedHistory {
  readonly current: CurrentComputedValue | null;
  /** Oldest first. */
  readonly revisions: ComputedRevision[];
}

/** The history of the computed value (rollup, ratio, growth) of one key: both reads use the key's index. */
export async function computedHistory(db: Db, key: { indicator: string; unitId: number; period: string }): Promise<ComputedHistory> {
  const [current, revisions] = await Promise.all([
    db
      .selectFrom('indicator_value')
      .select(['value', 'notes', 'sync_run_id', 'computed_at'])
      .where('indicator_code', '=', key.indicator)
      .where('unit_id', '=', key.unitId)
      .where('period_code', '=', key.period)
      .executeTakeFirst(),
    db
      .selectFrom('indicator_value_revision as r')
      .leftJoin('sync_run as s', 's.id', 'r.sync_run_id')
      .select(['r.id', 'r.change', 'r.old_value', 'r.new_value', 'r.notes', 'r.sync_run_id', 'r.changed_at', 's.mode', 's.status as run_status', 's.started_at'])
      .where('r.indicator_code', '=', key.indicator)
      .where('r.unit_id', '=', key.unitId)
      .where('r.period_code', '=', key.period)
      .orderBy('r.id')
      .execute(),
  ]);
  return {
    current: current ? { value: current.value, notes: current.notes, runId: current.sync_run_id, computedAt: current.computed_at } : null,
    revisions: revisions.map((r) => ({
      id: r.id,
      change: r.change,
      oldValue: r.old_value,
      newValue: r.new_value,
      notes: r.notes ?? [],
      run: r.sync_run_id === null ? null : { id: r.sync_run_id, mode: r.mode, status: r.run_status, startedAt: r.started_at },
      changedAt: r.changed_at,
    })),
  };
}
