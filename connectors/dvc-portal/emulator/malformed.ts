import { stableUuid } from './random.js';
import type { DossierRow, ServedRow } from './rows.js';

/** What each malformed row breaks, and the rejection code a client should give it. */
export interface MalformedRow {
  readonly row: ServedRow;
  readonly breaks: string;
  readonly expectedCode: string;
}

/**
 * Broken rows as a faulty export produces them, built from a good row (so they pass the server's month filter)
 * with new ids, published after every good row.
 */
export function malformedRows(template: DossierRow, publishedAt: string): MalformedRow[] {
  const base = { ...template, capNhatLuc: publishedAt };
  const id = (what: string) => stableUuid(`malformed|${what}`);
  const make = (what: string, expectedCode: string, row: Record<string, unknown>): MalformedRow => ({ row: { ...row, id: id(what), kyBaoCao: String(row.kyBaoCao), capNhatLuc: publishedAt }, breaks: what, expectedCode });
  const withoutDirect: Partial<DossierRow['tiepNhan']> = { ...base.tiepNhan };
  delete withoutDirect.trucTiep;
  return [
    make('missing trucTiep', 'MISSING_FIELD', { ...base, tiepNhan: withoutDirect }),
    make('negative quaHan', 'NEGATIVE_COUNT', { ...base, daGiaiQuyet: { ...base.daGiaiQuyet, quaHan: -4 } }),
    make('text trucTuyen', 'NOT_A_NUMBER', { ...base, tiepNhan: { ...base.tiepNhan, trucTuyen: '340' } }),
    make('fraction buuChinh', 'NOT_AN_INTEGER', { ...base, tiepNhan: { ...base.tiepNhan, buuChinh: 2.5 } }),
    make('unknown unit', 'UNIT_NOT_FOUND', { ...base, maDonViHanhChinh: '99' }),
    make('legacy code after the reform', 'UNIT_NOT_FOUND', { ...base, maDonViHanhChinh: '89' }),
    make('bad month', 'PERIOD_INVALID', { ...base, kyBaoCao: '2025-13' }),
  ];
}
