import type { Db } from '../warehouse/database.js';
import { dec, type Decimal } from './decimal.js';

export interface StoredValue {
  readonly value: Decimal;
  /** Exactly as PostgreSQL returned it, for the trace. */
  readonly text: string;
}

/** The base observations of one computation, by indicator, unit id and period code. */
export class ObservationIndex {
  private readonly byKey = new Map<string, StoredValue>();
  private readonly periodsByIndicatorUnit = new Map<string, Set<string>>();

  add(indicator: string, unitId: number, period: string, text: string): void {
    this.byKey.set(`${indicator}|${unitId}|${period}`, { value: dec(text), text });
    const key = `${indicator}|${unitId}`;
    let periods = this.periodsByIndicatorUnit.get(key);
    if (!periods) this.periodsByIndicatorUnit.set(key, (periods = new Set()));
    periods.add(period);
  }

  get(indicator: string, unitId: number, period: string): StoredValue | undefined {
    return this.byKey.get(`${indicator}|${unitId}|${period}`);
  }

  /** The periods (of those fetched) for which the unit has a value of the indicator. */
  periodsOf(indicator: string, unitId: number): ReadonlySet<string> {
    return this.periodsByIndicatorUnit.get(`${indicator}|${unitId}`) ?? new Set();
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
  const rows = await db
    .selectFrom('observation')
    .select(['indicator_code', 'unit_id', 'period_code', 'value'])
    .where('indicator_code', 'in', indicators)
    .where('unit_id', 'in', unitIds)
    .where('period_code', 'in', periods)
    .execute();
  for (const r of rows) index.add(r.indicator_code, r.unit_id, r.period_code, r.value);
  return index;
}
