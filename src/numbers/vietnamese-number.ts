/**
 * The Vietnamese number format, as the State Bank's files and the departments' workbooks write numbers: `.` groups
 * thousands, `,` starts the decimals ("12.345.678", "45.678.901,25", "0,75"). Digits without grouping ("1234") are
 * read too. A dot that does not group thousands ("1.2345", "0.75") is refused rather than guessed: "1.234" is a
 * thousand and more here, and a fraction in English.
 */

export type VietnameseNumber =
  /** `value`: exact decimal text ("45678901.25"), no leading or trailing zeros, never "-0". */
  | { readonly ok: true; readonly value: string; readonly negative: boolean }
  | { readonly ok: false; readonly reason: string };

const shape = /^([+-])?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;
// Spaces (also non-breaking and thin ones) may surround or group the digits; the minus may be typographic.
const spaces = /[\s\u00a0\u202f]+/g;

/** Reads a Vietnamese-formatted number as exact decimal text, never through a float. */
export function parseVietnameseNumber(text: string): VietnameseNumber {
  const cleaned = text.replace(spaces, '').replace(/\u2212/g, '-');
  if (cleaned === '') return { ok: false, reason: 'the text is empty' };
  const m = shape.exec(cleaned);
  if (!m) return { ok: false, reason: `"${text}" is not a number in the Vietnamese format (12.345.678 or 45.678,25)` };
  const integer = (m[2] ?? '').replace(/\./g, '').replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction === '' ? integer : `${integer}.${fraction}`;
  const negative = m[1] === '-' && magnitude !== '0';
  return { ok: true, value: negative ? `-${magnitude}` : magnitude, negative };
}

/** Writes a number in the Vietnamese format; `decimals` is the most decimals kept (trailing zeros dropped). */
export function formatVietnameseNumber(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [integer = '0', fraction = ''] = fixed.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const trimmed = fraction.replace(/0+$/, '');
  const sign = value < 0 && /[1-9]/.test(fixed) ? '-' : '';
  return `${sign}${grouped}${trimmed === '' ? '' : `,${trimmed}`}`;
}
