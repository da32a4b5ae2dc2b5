/**
 * Vietnamese number format, as the State Bank's files write it: `.` groups thousands, `,` starts the decimals
 * ("12.345.678", "45.678.901,25", "3.456.789,5"). Digits without grouping ("1234") are read too; a grouping that is
 * not in threes ("1.2345") is refused rather than guessed.
 */

export type VnNumber = { readonly ok: true; readonly value: string; readonly negative: boolean } | { readonly ok: false; readonly reason: string };

export type VnCount = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly code: 'MISSING_FIELD' | 'NOT_A_NUMBER' | 'NEGATIVE_COUNT' | 'NOT_AN_INTEGER'; readonly reason: string };

const shape = /^([+-])?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;
// Spaces (also non-breaking and thin ones) may surround the number; the minus may be typographic.
const spaces = /[\s\u00a0\u202f]+/g;

/** Parses a Vietnamese-formatted number into exact decimal text ("45678901.25"), never through a float. */
export function parseVnNumber(text: string): VnNumber {
  const cleaned = text.replace(spaces, '').replace(/\u2212/g, '-');
  if (cleaned === '') return { ok: false, reason: 'the field is empty' };
  const m = shape.exec(cleaned);
  if (!m) return { ok: false, reason: `"${text}" is not a number in Vietnamese format (e.g. 12.345.678 or 45.678,25)` };
  const sign = m[1] === '-' ? '-' : '';
  const integer = (m[2] ?? '').replace(/\./g, '').replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction === '' ? integer : `${integer}.${fraction}`;
  const zero = /^0(\.0*)?$/.test(magnitude);
  return { ok: true, value: zero ? magnitude : `${sign}${magnitude}`, negative: sign === '-' && !zero };
}

/** A count of transactions: a non-negative integer in Vietnamese format ("1.234.567"; "1.234,0" is accepted). */
export function parseVnCount(text: string | undefined): VnCount {
  if (text === undefined || text.trim() === '') return { ok: false, code: 'MISSING_FIELD', reason: 'the count is missing' };
  const n = parseVnNumber(text);
  if (!n.ok) return { ok: false, code: 'NOT_A_NUMBER', reason: n.reason };
  if (n.negative) return { ok: false, code: 'NEGATIVE_COUNT', reason: `the count "${text}" is negative` };
  if (n.value.includes('.')) return { ok: false, code: 'NOT_AN_INTEGER', reason: `the count "${text}" has decimals; a number of transactions is whole` };
  const value = Number(n.value);
  if (!Number.isSafeInteger(value)) return { ok: false, code: 'NOT_A_NUMBER', reason: `the count "${text}" is too large to be a number of transactions` };
  return { ok: true, value };
}

/** Writes a number the way the files do: `.` thousands, `,` decimals. `decimals` is the most decimals kept (trailing zeros dropped). */
export function formatVnNumber(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [integer = '0', fraction = ''] = fixed.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${value < 0 ? '-' : ''}${grouped}${trimmed === '' ? '' : `,${trimmed}`}`;
}
