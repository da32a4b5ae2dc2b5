import { sql } from 'kysely';
import type { Db } from '../warehouse/database.js';
import { dec, type Decimal } from './decimal.js';

export interface StoredValue {
  readonly value: Decimal;
  /** Exactly as PostgreSQL returned it, for the trace. */
  readonly text: string;
}

/** The base observations of one computation, by indicator, unit id and period code. */
export class ObservationIndex {
  // Nested maps, not one map of composite string keys: a refresh looks values up millions of times.
  private readonly byIndicator = new Map<string, Map<number, Map<string, StoredValue>>>();
  private readonly noPeriods: ReadonlyMap<string, StoredValue> = new Map();

  add(indicator: string, unitId: number, period: string, text: string): void {
    let units = this.byIndicator.get(indicator);
    if (!units) this.byIndicator.set(indicator, (units = new Map<number, Map<string, StoredValue>>()));
    let periods = units.get(unitId);
    if (!periods) units.set(unitId, (periods = new Map<string, StoredValue>()));
    periods.set(period, { value: dec(text), text });
  }

  get(indicator: string, unitId: number, period: string): StoredValue | undefined {
    return this.byIndicator.get(indicator)?.get(unitId)?.get(period);
  }

  /** The unit's values of the indicator (of those fetched), by period code. */
  periodsOf(indicator: string, unitId: number): ReadonlyMap<string, StoredValue> {
    return this.byIndicator.get(indicator)?.get(unitId) ?? this.noPeriods;
  }
}

/** One query for every observation the computation can need (design decision 7); the rest happens in memory. */
export async function loadObservations(
  db: Db,
  indicators: readonly string[],
  unitIds: readonly number[],
  periods: readonly string[],
): Promise<ObservationIndex> {
  const index = new ObservationIndex();
  if (indicators.length === 0 || unitIds.length === 0 || periods.length === 0) return index;
  // Arrays, not IN lists (a province's tree has hundreds of units), and a lookup per unit through the
  // (unit, period) index: a plan that cannot turn into a scan of a table growing faster than its statistics.
  const { rows } = await sql<{ indicator_code: string; unit_id: number; period_code: string; value: string }>`
    select o.indicator_code, o.unit_id, o.period_code, o.value
    from unnest(${unitIds}::bigint[]) as u (id)
    cross join lateral (
      select indicator_code, unit_id, period_code, value from observation
      where unit_id = u.id and period_code = any(${periods}::text[]) and indicator_code = any(${indicators}::text[])
      offset 0
    ) o`.execute(db);
  for (const r of rows) index.add(r.indicator_code, r.unit_id, r.period_code, r.value);
  return index;
}
