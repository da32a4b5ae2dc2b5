import { dec } from '../aggregation/index.js';
import { displayDecimal } from '../numbers/decimal-text.js';
import { describeTarget, listTargets } from '../reference/catalogue-queries.js';
import { loadIndicatorDecimals } from '../reference/indicator-decimals.js';
import { assessTarget } from '../targets/assessment.js';
import type { Db } from '../warehouse/database.js';
import { latestProvinceValues } from './latest-values.js';
import type { DemoProvince } from './provinces.js';

/** The Resolution 57 indicators a province reports on, in the order dashboards show them. */
export const resolution57Indicators = [
  'DVC_ONLINE_RATE', 'DVC_ON_TIME_RATE', 'DVC_FULL_ONLINE_SHARE', 'CASHLESS_TXN_SHARE', 'PATENT_APPLICATIONS',
  'PATENT_APPLICATIONS_GROWTH', 'PATENT_GRANTS', 'RD_PERSONNEL_PER_10K', 'DIGITAL_ECONOMY_SHARE', 'INNOVATIVE_ENTERPRISE_SHARE',
  'STI_BUDGET_SHARE', 'RD_SPENDING_GRDP_SHARE', 'PII_RANK', 'TFP_CONTRIBUTION', 'HDI', 'SMART_CITIES',
] as const;

export interface Resolution57Overview {
  readonly headers: string[];
  readonly rows: string[][];
  /** The provinces whose documents set no numeric 2030 target. */
  readonly withoutTargets: readonly DemoProvince[];
}

/**
 * One row per indicator: for each province its latest value and period, then one column per target document of
 * that province with the 2030 target and whether the latest value meets it (documents that disagree side by side).
 */
export async function resolution57Overview(db: Db, provinces: readonly DemoProvince[]): Promise<Resolution57Overview> {
  const [targets, decimalsOf] = await Promise.all([listTargets(db), loadIndicatorDecimals(db)]);
  const columns = await Promise.all(provinces.map(async (province) => {
    const latest = await latestProvinceValues(db, province.code, resolution57Indicators);
    const own = targets.filter((t) => t.unitCode === province.code && t.year === 2030);
    const documents = [...new Map(own.map((t) => [t.document.id, t.document])).values()];
    return { province, latest, own, documents };
  }));
  const headers = ['indicator', ...columns.flatMap(({ province, documents }) => [
    `${province.name} ${province.code}`,
    ...documents.map((d) => `target ${d.number ?? d.id}`),
  ])];
  const rows = resolution57Indicators.map((indicator) => [indicator, ...columns.flatMap(({ latest, own, documents }) => {
    const v = latest.get(indicator);
    const value = v ? `${displayDecimal(v.value, decimalsOf(indicator))} (${v.period})` : '—';
    return [value, ...documents.map((d) => {
      const t = own.find((x) => x.indicatorCode === indicator && x.document.id === d.id);
      return t ? `${describeTarget(t)}: ${assessTarget(t, v ? dec(v.value) : null)}` : '—';
    })];
  })]);
  return { headers, rows, withoutTargets: columns.filter((c) => c.documents.length === 0).map((c) => c.province) };
}
