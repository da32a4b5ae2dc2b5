import { jsonDecimal } from '../numbers/decimal-text.js';
import type { Db } from '../warehouse/database.js';
import { defaultDecimals } from '../reference/indicator-catalogue.js';
import { assessProgress, baselineOf, latestOf, type Direction, type Progress, type SeriesPoint } from './progress.js';
import { findTargets, type TargetRecord } from './target-queries.js';

/** Resolution 57-NQ/TW was issued on 22 December 2024: its targets measure from 2024. */
export const resolution57BaseYear = 2024;

export interface TargetProgress {
  readonly target: TargetRecord;
  readonly direction: Direction;
  readonly measureUnit: string;
  /** The indicator's places for text. */
  readonly decimals: number;
  readonly latest: SeriesPoint | null;
  readonly baseline: SeriesPoint | null;
  readonly progress: Progress;
}

/** The year a document's baseline comes from: the year before it was issued, or 2024 (Resolution 57) when undated. */
export function baseYearOf(target: TargetRecord): number {
  const issued = target.document.issuedOn;
  return issued === null ? resolution57BaseYear : Number(issued.slice(0, 4)) - 1;
}

/**
 * Every target of one unit version with its latest value, baseline and status. Values are the warehouse's
 * materialised province values (`indicator_value`: rolled up from communes, months and the legacy provinces that
 * merged into the unit, so the merged An Giang's 2024 baseline is that of legacy 89 and 91 together).
 */
export async function unitProgress(db: Db, unitId: number, options: { asOf: string; documentId?: string; year?: number }): Promise<TargetProgress[]> {
  const targets = await findTargets(db, {
    unitId,
    ...(options.documentId !== undefined ? { documentId: options.documentId } : {}),
    ...(options.year !== undefined ? { year: options.year } : {}),
  });
  if (targets.length === 0) return [];
  const codes = [...new Set(targets.map((t) => t.indicator))];
  const [indicators, values] = await Promise.all([
    db.selectFrom('indicator').select(['code', 'direction', 'measure_unit', 'decimals']).where('code', 'in', codes).execute(),
    db.selectFrom('indicator_value').select(['indicator_code', 'period_code', 'value']).where('unit_id', '=', unitId).where('indicator_code', 'in', codes).execute(),
  ]);
  const series = new Map<string, SeriesPoint[]>();
  // A stored ratio carries decimal.js' 40 digits (66.666…67): cut to the JSON scale once, here.
  for (const v of values) series.set(v.indicator_code, [...(series.get(v.indicator_code) ?? []), { period: v.period_code, value: jsonDecimal(v.value) }]);
  const indicatorOf = new Map(indicators.map((i) => [i.code, i]));
  return targets.map((target) => {
    const points = series.get(target.indicator) ?? [];
    const latest = latestOf(points, options.asOf);
    const baseline = baselineOf(points, baseYearOf(target), latest);
    const indicator = indicatorOf.get(target.indicator);
    const direction: Direction = indicator?.direction ?? 'higher_is_better';
    const decimals = indicator?.decimals ?? defaultDecimals;
    return {
      target,
      direction,
      measureUnit: indicator?.measure_unit ?? '',
      decimals,
      latest,
      baseline,
      progress: assessProgress({ target, direction, latest, baseline, decimals }),
    };
  });
}
