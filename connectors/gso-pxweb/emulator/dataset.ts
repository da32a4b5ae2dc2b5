import { readProvinces, type ProvinceVersion } from '../provinces.js';

/** One published PX table: a cube province × year (× content), with flags and holes like GSO's. */
export interface EmulatedTable {
  readonly database: string;
  readonly table: string;
  readonly title: string;
  /** The day GSO published it: before 2025-07-01 the table lists the 63 legacy provinces. */
  readonly updated: string;
  readonly provinceVariable: { readonly code: string; readonly text: string };
  readonly provinces: readonly { readonly code: string; readonly name: string }[];
  readonly years: readonly number[];
  /** An extra variable (e.g. "Chỉ tiêu": current or constant prices); figures are given for its first value. */
  readonly content?: { readonly code: string; readonly text: string; readonly values: readonly { readonly code: string; readonly text: string; readonly factor: number }[] };
  readonly unit: string;
  /** The figure of a province in a year; null where GSO publishes ".." */
  readonly figure: (code: string, year: number) => number | null;
  /** The flag of a year's figures (the latest year is provisional). */
  readonly flag: (year: number) => string | null;
}

/** A deterministic spread in [0, 1) per text, so every run serves the same figures. */
function spread(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

const totalRow = { code: '00', name: 'CẢ NƯỚC' };

/** Persons in 2024 (legacy provinces); others from the spread. */
const population2024: Readonly<Record<string, number>> = { '89': 1_908_352, '91': 1_752_129, '40': 3_442_000, '01': 8_587_100, '79': 9_521_886 };
/** Billion VND at current prices in 2024. */
const grdp2024: Readonly<Record<string, number>> = { '89': 112_486, '91': 143_027, '40': 196_580, '01': 1_426_000, '79': 1_778_000 };
/** % of GRDP (seed 002 footnote 1 for 89 and 91). */
const digitalShare: Readonly<Record<string, Readonly<Record<number, number>>>> = { '89': { 2023: 5.41, 2024: 5.99 }, '91': { 2023: 5.87, 2024: 6.23 } };

export function legacyPopulation(code: string, year: number): number {
  const base = population2024[code] ?? Math.round(800_000 + spread(`dan-so-${code}`) * 2_200_000);
  return Math.round(base * (1 - 0.0085 * (2024 - year)));
}

/** Current provinces in 2025: the merged An Giang as GSO published it, others the sum of their legacy parts grown 0.8%. */
export function currentPopulation(code: string, provinces: readonly ProvinceVersion[]): number {
  if (code === '91') return 4_952_238;
  const parts = provinces.filter((p) => p.vintage === 'legacy' && p.successorCode === code);
  return Math.round(parts.reduce((s, p) => s + legacyPopulation(p.code, 2024), 0) * 1.008);
}

export function legacyGrdp(code: string, year: number): number {
  const base = grdp2024[code] ?? Math.round(45_000 + spread(`grdp-${code}`) * 300_000);
  return Math.round(base / 1.09 ** (2024 - year));
}

export function legacyDigitalShare(code: string, year: number): number | null {
  const known = digitalShare[code]?.[year];
  if (known !== undefined) return known;
  if (code === '40' && year === 2023) return null; // not surveyed: published as ".."
  return Math.round((3 + spread(`kts-${code}`) * 12 - (2024 - year) * 0.6) * 100) / 100;
}

const yearsFrom = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const latestProvisional = (latest: number) => (year: number) => (year === latest ? 'p' : null);

export function emulatedTables(provinces: readonly ProvinceVersion[] = readProvinces()): EmulatedTable[] {
  const legacy = [totalRow, ...provinces.filter((p) => p.vintage === 'legacy')];
  const current = [totalRow, ...provinces.filter((p) => p.vintage === 'current')];
  const provinceVariable = { code: 'Tỉnh, thành phố', text: 'Tỉnh, thành phố' };
  return [
    {
      database: 'DanSo', table: 'V02.01.px', title: 'Dân số trung bình phân theo địa phương (Người)', updated: '2025-06-20', provinceVariable,
      provinces: legacy, years: yearsFrom(2020, 2024), unit: 'Người',
      figure: (code, year) => (code === '00' ? null : legacyPopulation(code, year)), flag: latestProvisional(2024),
    },
    {
      database: 'DanSo', table: 'V02.01.2025.px', title: 'Dân số trung bình phân theo tỉnh, thành phố sau sắp xếp (Người)', updated: '2026-02-10', provinceVariable,
      provinces: current, years: [2025], unit: 'Người',
      figure: (code) => (code === '00' ? null : currentPopulation(code, provinces)), flag: latestProvisional(2025),
    },
    {
      database: 'TaiKhoanQuocGia', table: 'V03.05.px', title: 'Tổng sản phẩm trên địa bàn theo giá hiện hành và giá so sánh (Tỷ đồng)', updated: '2025-06-25',
      provinceVariable: { code: 'Địa phương', text: 'Địa phương' }, provinces: legacy, years: yearsFrom(2020, 2024), unit: 'Tỷ đồng',
      content: { code: 'Chỉ tiêu', text: 'Chỉ tiêu', values: [{ code: '1', text: 'Giá hiện hành', factor: 1 }, { code: '2', text: 'Giá so sánh 2010', factor: 0.62 }] },
      figure: (code, year) => (code === '00' ? null : legacyGrdp(code, year)), flag: latestProvisional(2024),
    },
    {
      database: 'KinhTeSo', table: 'V12.01.px', title: 'Tỷ trọng kinh tế số trong GRDP (%)', updated: '2025-05-30', provinceVariable,
      provinces: legacy, years: [2023, 2024], unit: '%',
      figure: (code, year) => (code === '00' ? null : legacyDigitalShare(code, year)), flag: latestProvisional(2024),
    },
  ];
}
