import { parseVietnameseNumber } from '../../src/numbers/vietnamese-number.js';

export type TransactionCount =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly code: 'MISSING_FIELD' | 'NOT_A_NUMBER' | 'NEGATIVE_COUNT' | 'NOT_AN_INTEGER'; readonly reason: string };

/** `Số lượng giao dịch`: a non-negative whole number in the Vietnamese format ("1.234.567"; "1.234,0" is accepted). */
export function parseTransactionCount(text: string | undefined): TransactionCount {
  if (text === undefined || text.trim() === '') return { ok: false, code: 'MISSING_FIELD', reason: 'the count is missing' };
  const n = parseVietnameseNumber(text);
  if (!n.ok) return { ok: false, code: 'NOT_A_NUMBER', reason: n.reason };
  if (n.negative) return { ok: false, code: 'NEGATIVE_COUNT', reason: `the count "${text}" is negative` };
  if (n.value.includes('.')) return { ok: false, code: 'NOT_AN_INTEGER', reason: `the count "${text}" has decimals; a number of transactions is whole` };
  const value = Number(n.value);
  if (!Number.isSafeInteger(value)) return { ok: false, code: 'NOT_A_NUMBER', reason: `the count "${text}" is too large to be a number of transactions` };
  return { ok: true, value };
}
