import { agenciesFor } from './agencies.js';
import { stableUuid, uniform } from './random.js';
import { vietnamTime, type DossierRow } from './rows.js';

/** Dossiers by calendar month: the Tết holiday empties February; year-end and mid-year (school, land) are busy. */
const season = [1.05, 0.62, 0.97, 1.0, 1.04, 1.1, 1.02, 1.06, 1.08, 1.0, 0.98, 1.18] as const;

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) return out;
    out.push(month);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
}

/** Online share rises over time (the province's target is > 80 %), a little higher for commune civil status. */
function onlineShare(month: string, seed: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const elapsed = (y - 2024) * 12 + (m - 1);
  return Math.min(0.92, 0.38 + elapsed * 0.018 + (uniform(`${seed}|online`) - 0.5) * 0.12);
}

/**
 * One row per agency, field and month. A month's report is published on the 3rd-6th of the next month, in the
 * morning; rows of one agency share their update time (ties in capNhatLuc are ordered by id).
 */
function rowFor(month: string, agency: ReturnType<typeof agenciesFor>[number], field: { linhVuc: string; monthly: number }, agencyIndex: number): DossierRow {
  const seed = `${month}|${agency.maCoQuan}|${agency.maDonViHanhChinh}|${field.linhVuc}`;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const newTotal = Math.max(3, Math.round(field.monthly * (season[m - 1] ?? 1) * (0.85 + uniform(seed) * 0.3)));
  const online = Math.round(newTotal * onlineShare(month, seed));
  const postal = Math.round(newTotal * 0.02 * uniform(`${seed}|post`));
  const carried = Math.round(newTotal * (0.03 + 0.05 * uniform(`${seed}|carry`)));
  const resolved = Math.round((newTotal + carried) * (0.88 + 0.08 * uniform(`${seed}|res`)));
  const late = Math.round(resolved * 0.04 * uniform(`${seed}|late`));
  const early = Math.round((resolved - late) * 0.65);
  const pendingLate = Math.round((newTotal + carried - resolved) * 0.1);
  const published = Date.UTC(m === 12 ? y + 1 : y, m % 12, 3 + Math.floor(uniform(`${month}|day`) * 4), 1 + agencyIndex % 4, (agencyIndex * 7) % 60);
  return {
    id: stableUuid(seed),
    kyBaoCao: month,
    maCoQuan: agency.maCoQuan,
    tenCoQuan: agency.tenCoQuan,
    maDonViHanhChinh: agency.maDonViHanhChinh,
    linhVuc: field.linhVuc,
    tiepNhan: { kyTruocChuyenQua: carried, trucTuyen: online, trucTiep: newTotal - online - postal, buuChinh: postal },
    daGiaiQuyet: { truocHan: early, dungHan: resolved - late - early, quaHan: late },
    dangGiaiQuyet: { trongHan: newTotal + carried - resolved - pendingLate, quaHan: pendingLate },
    thanhToanTrucTuyen: Math.round(online * 0.45),
    capNhatLuc: vietnamTime(published),
  };
}

export function generateReport(from: string, to: string): DossierRow[] {
  return monthsBetween(from, to).flatMap((month) =>
    agenciesFor(month).flatMap((agency, i) => agency.fields.map((field) => rowFor(month, agency, field, i))),
  );
}
