import type { NormaliseResult, ObservationDraft, SourceRecord } from '../../src/connector-sdk/types.js';
import { asObject, cleanText } from './envelope.js';
import { lastDayOf, monthPattern } from './months.js';
import { unitOf } from './unit-code.js';

const levels = ['TOAN_TRINH', 'MOT_PHAN', 'KHAC'] as const;
type Level = (typeof levels)[number];
const isLevel = (v: string): v is Level => (levels as readonly string[]).includes(v);

/**
 * One catalogue item -> +1 DVC_PROCEDURES (and +1 DVC_PROCEDURES_FULL_ONLINE when full online) for its unit in the
 * snapshot month (the record's scope). An item not in force (`hieuLuc: false`) counts nothing but is kept, so a
 * procedure that goes out of force loses its earlier count.
 */
export function normaliseCatalogueItem(record: SourceRecord): NormaliseResult {
  const month = record.scope;
  if (month === undefined || !monthPattern.test(month)) return { rejected: { code: 'SCOPE_INVALID', reason: `the record has no snapshot month (scope ${JSON.stringify(month ?? null)})` } };
  const item = asObject(record.data);
  if (!item) return { rejected: { code: 'NOT_AN_OBJECT', reason: 'the catalogue item is not a JSON object' } };
  const code = cleanText(item.maThuTuc);
  if (code === undefined || code === '') return { rejected: { code: 'MISSING_FIELD', reason: 'maThuTuc is missing' } };
  if (typeof item.hieuLuc !== 'boolean') return { rejected: { code: item.hieuLuc === undefined ? 'MISSING_FIELD' : 'NOT_A_BOOLEAN', reason: `hieuLuc is ${JSON.stringify(item.hieuLuc ?? null)}: expected true or false` } };
  const level = cleanText(item.mucDo)?.toUpperCase();
  if (level === undefined) return { rejected: { code: 'MISSING_FIELD', reason: 'mucDo is missing' } };
  if (!isLevel(level)) return { rejected: { code: 'UNKNOWN_LEVEL', reason: `mucDo "${level}" is not TOAN_TRINH, MOT_PHAN or KHAC` } };
  const unit = unitOf(item.maDonViHanhChinh, lastDayOf(month));
  if ('rejected' in unit) return unit;
  if (!item.hieuLuc) return { observations: [] };
  const draft = (indicator: string): ObservationDraft => ({ indicator, unit: unit.unit, period: month, value: 1 });
  return { observations: level === 'TOAN_TRINH' ? [draft('DVC_PROCEDURES'), draft('DVC_PROCEDURES_FULL_ONLINE')] : [draft('DVC_PROCEDURES')] };
}
