/** Text compared as a person reads it: NFC, trimmed, single spaces, case-insensitive. */
export const sameText = (a: string, b: string): boolean => fold(a) === fold(b);
export const fold = (s: string): string => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

/** A GSO province code as two digits ("1" is "01"); undefined for anything else (totals, regions). */
export function provinceCodeOf(code: string): string | undefined {
  const c = code.trim();
  return /^\d{1,2}$/.test(c) ? c.padStart(2, '0') : undefined;
}

/** The year a PX time value names ("2024", "2024*", "Năm 2024"). */
export function yearOf(code: string): number | undefined {
  const m = /(^|\D)(\d{4})(\D|$)/.exec(code);
  return m?.[2] === undefined ? undefined : Number(m[2]);
}
