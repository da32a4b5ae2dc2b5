import { uniform } from './random.js';
import type { DossierRow, ServedRow } from './rows.js';

/**
 * A good row as a real portal may write it: names in NFD, codes with stray spaces, extra fields the contract
 * does not list. The figures are untouched, so the warehouse must come out the same as from clean rows.
 */
export function presentRow(row: DossierRow): ServedRow {
  const h = uniform(`present|${row.id}`);
  if (h < 0.25) return { ...row, tenCoQuan: row.tenCoQuan.normalize('NFD') };
  if (h < 0.4) return { ...row, maDonViHanhChinh: ` ${row.maDonViHanhChinh} `, kyBaoCao: `${row.kyBaoCao} ` };
  if (h < 0.6) return { ...row, maLinhVuc: 'G09.TP', nguonDuLieu: 'Hệ thống thông tin giải quyết TTHC tỉnh', ghiChu: null };
  return { ...row };
}
