import type { Json, NormaliseResult, ObservationDraft, Rejection, SourceRecord } from '../../src/connector-sdk/types.js';
import { readCount, requireCount } from './counts.js';
import { asObject, cleanText } from './envelope.js';
import { lastDayOf, monthPattern } from './months.js';
import { unitOf } from './unit-code.js';

/** Counts the indicators add up, by where they sit in the row; a row lacking one of them is rejected. */
const used = {
  trucTuyen: ['tiepNhan', 'trucTuyen'],
  trucTiep: ['tiepNhan', 'trucTiep'],
  buuChinh: ['tiepNhan', 'buuChinh'],
  truocHan: ['daGiaiQuyet', 'truocHan'],
  dungHan: ['daGiaiQuyet', 'dungHan'],
  quaHan: ['daGiaiQuyet', 'quaHan'],
} as const;
type UsedCounts = Record<keyof typeof used, number>;

/** Counts not used: they may be absent, but a negative or text value there still means a broken row. */
const checkedIfPresent = [
  ['tiepNhan', 'kyTruocChuyenQua'],
  ['dangGiaiQuyet', 'trongHan'],
  ['dangGiaiQuyet', 'quaHan'],
] as const;

function readCounts(row: Readonly<Record<string, Json>>): UsedCounts | { readonly rejected: Rejection } {
  for (const [group, field] of checkedIfPresent) {
    const r = readCount(row, group, field);
    if (r && 'rejected' in r) return r;
  }
  const out: Partial<UsedCounts> = {};
  for (const name of Object.keys(used) as (keyof typeof used)[]) {
    const [group, field] = used[name];
    const r = requireCount(row, group, field);
    if ('rejected' in r) return r;
    out[name] = r.value;
  }
  return out as UsedCounts; // every key was set by the loop above
}

/**
 * One row of the dossier report (one agency, field and month) -> its share of the DVC_* observations of its unit
 * and month; the engine sums the rows of a unit. New dossiers exclude `kyTruocChuyenQua`: those were new in an
 * earlier month.
 */
export function normaliseReportRow(record: SourceRecord): NormaliseResult {
  const row = asObject(record.data);
  if (!row) return { rejected: { code: 'NOT_AN_OBJECT', reason: 'the report row is not a JSON object' } };
  const id = cleanText(row.id);
  if (id === undefined || id === '') return { rejected: { code: 'MISSING_FIELD', reason: 'id is missing: a row without id cannot be followed across revisions' } };
  const month = cleanText(row.kyBaoCao);
  if (month === undefined) return { rejected: { code: 'MISSING_FIELD', reason: 'kyBaoCao is missing' } };
  if (!monthPattern.test(month)) return { rejected: { code: 'PERIOD_INVALID', reason: `kyBaoCao "${month}" is not a month YYYY-MM` } };
  const unit = unitOf(row.maDonViHanhChinh, lastDayOf(month));
  if ('rejected' in unit) return unit;
  const c = readCounts(row);
  if ('rejected' in c) return c;

  const onTime = c.truocHan + c.dungHan;
  const draft = (indicator: string, value: number): ObservationDraft => ({ indicator, unit: unit.unit, period: month, value });
  return {
    observations: [
      draft('DVC_DOSSIERS_NEW', c.trucTuyen + c.trucTiep + c.buuChinh),
      draft('DVC_DOSSIERS_ONLINE', c.trucTuyen),
      draft('DVC_DOSSIERS_RESOLVED', onTime + c.quaHan),
      draft('DVC_DOSSIERS_RESOLVED_ON_TIME', onTime),
    ],
  };
}
