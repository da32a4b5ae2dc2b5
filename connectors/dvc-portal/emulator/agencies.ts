/**
 * The agencies the emulator reports for. Codes are as of the report month: before 2025-07 the legacy provinces
 * An Giang (89), Kiên Giang (91) and Nghệ An (40); from 2025-07 the merged An Giang (91) and Nghệ An (40).
 * Commune-level agencies use real commune codes from shared/data/admin-units (legacy communes before the reform,
 * chosen among those not divided, so they also roll up to a single new commune).
 */
export interface Agency {
  readonly maCoQuan: string;
  readonly tenCoQuan: string;
  readonly maDonViHanhChinh: string;
  /** Fields of procedures (lĩnh vực) the agency reports rows for, with a typical monthly dossier count. */
  readonly fields: readonly { readonly linhVuc: string; readonly monthly: number }[];
}

const justice = (suffix: string, unit: string, monthly: number): Agency => ({
  maCoQuan: `000.00.15.${suffix}`,
  tenCoQuan: 'Sở Tư pháp',
  maDonViHanhChinh: unit,
  fields: [
    { linhVuc: 'Hộ tịch', monthly },
    { linhVuc: 'Lý lịch tư pháp', monthly: Math.round(monthly * 0.6) },
  ],
});

const commune = (code: string, name: string, monthly: number): Agency => ({
  maCoQuan: `000.${code.slice(0, 2)}.${code.slice(2)}.X`,
  tenCoQuan: `UBND ${name}`,
  maDonViHanhChinh: code,
  fields: [
    { linhVuc: 'Hộ tịch', monthly },
    { linhVuc: 'Chứng thực', monthly: Math.round(monthly * 1.8) },
  ],
});

/** Before 1 July 2025: legacy codes. */
export const legacyAgencies: readonly Agency[] = [
  justice('H01', '89', 820),
  { maCoQuan: '000.00.22.H01', tenCoQuan: 'Sở Tài nguyên và Môi trường', maDonViHanhChinh: '89', fields: [{ linhVuc: 'Đất đai', monthly: 1450 }] },
  commune('30283', 'phường Mỹ Long', 160),
  justice('H33', '91', 690),
  { maCoQuan: '000.00.19.H33', tenCoQuan: 'Sở Giao thông vận tải', maDonViHanhChinh: '91', fields: [{ linhVuc: 'Đường bộ', monthly: 2100 }] },
  commune('30736', 'phường Vĩnh Quang', 140),
  justice('H40', '40', 1240),
  { maCoQuan: '000.00.13.H40', tenCoQuan: 'Sở Công Thương', maDonViHanhChinh: '40', fields: [{ linhVuc: 'Lưu thông hàng hóa trong nước', monthly: 380 }] },
  commune('16666', 'phường Hà Huy Tập', 210),
];

/** From 1 July 2025: the merged An Giang is 91; Nghệ An keeps 40. */
export const currentAgencies: readonly Agency[] = [
  justice('H01', '91', 1480),
  { maCoQuan: '000.00.22.H01', tenCoQuan: 'Sở Nông nghiệp và Môi trường', maDonViHanhChinh: '91', fields: [{ linhVuc: 'Đất đai', monthly: 2300 }] },
  { maCoQuan: '000.00.19.H01', tenCoQuan: 'Sở Xây dựng', maDonViHanhChinh: '91', fields: [{ linhVuc: 'Hoạt động xây dựng', monthly: 520 }] },
  commune('30292', 'phường Bình Đức', 190),
  commune('30742', 'phường Rạch Giá', 260),
  commune('30787', 'xã Kiên Lương', 95),
  justice('H40', '40', 1300),
  { maCoQuan: '000.00.13.H40', tenCoQuan: 'Sở Công Thương', maDonViHanhChinh: '40', fields: [{ linhVuc: 'Lưu thông hàng hóa trong nước', monthly: 400 }] },
  commune('16681', 'phường Thành Vinh', 240),
  commune('16972', 'xã Nghĩa Hưng', 70),
];

export const reformMonth = '2025-07';

export function agenciesFor(month: string): readonly Agency[] {
  return month < reformMonth ? legacyAgencies : currentAgencies;
}
