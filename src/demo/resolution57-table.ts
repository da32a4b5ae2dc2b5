import { dec } from '../aggregation/index.js';
import { displayDecimal } from '../numbers/decimal-text.js';
import { describeTarget, listTargets } from '../reference/catalogue-queries.js';
import { loadIndicatorDecimals } from '../reference/indicator-decimals.js';
import { assessTarget } from '../targets/assessment.js';
import type { Db } from '../warehouse/database.js';
import { latestProvinceValues } from './latest-values.js';

/** The Resolution 57 indicators a province reports on, in the order dashboards show them. */
export const resolution57Indicators = [
  'DVC_ONLINE_RATE', 'DVC_ON_TIME_RATE', 'DVC_FULL_ONLINE_SHARE', 'CASHLESS_TXN_SHARE', 'PATENT_APPLICATIONS',
  'PATENT_APPLICATIONS_GROWTH', 'PATENT_GRANTS', 'RD_PERSONNEL_PER_10K', 'DIGITAL_ECONOMY_SHARE', 'INNOVATIVE_ENTERPRISE_SHARE',
  'STI_BUDGET_SHARE', 'RD_SPENDING_GRDP_SHARE', 'PII_RANK', 'TFP_CONTRIBUTION', 'HDI', 'SMART_CITIES',
] as const;

/** One line per indicator and target: latest value and period, the target with its document, and whether it is met. */
export async function resolution57Rows(db: Db, provinceCode: string): Promise<string[][]> {
  const [latest, targets, decimalsOf] = await Promise.all([latestProvinceValues(db, provinceCode, resolution57Indicators), listTargets(db), loadIndicatorDecimals(db)]);
  const rows: string[][] = [];
  for (const indicator of resolution57Indicators) {
    const v = latest.get(indicator);
    const value = v ? `${displayDecimal(v.value, decimalsOf(indicator))} (${v.period})` : '—';
    const own = targets.filter((t) => t.unitCode === provinceCode && t.indicatorCode === indicator && t.year === 2030);
    if (own.length === 0) {
      rows.push([indicator, value, '—', '', '']);
      continue;
    }
    for (const t of own) {
      const status = assessTarget(t, v ? dec(v.value) : null);
      rows.push([indicator, value, `${describeTarget(t)} by ${t.year}`, t.document.number ?? t.document.id, status]);
    }
  }
  return rows;
}
