import { Decimal } from 'decimal.js';

export type NumberCellValue = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/**
 * Exact decimal text ("1234.5") of a number cell, read as Excel keeps it: 15 significant digits, so 0.1 + 0.2 by
 * formula is 0.3, never a float's noise.
 */
export function numberCellValue(n: number): NumberCellValue {
  if (!Number.isFinite(n)) return { ok: false, reason: `${String(n)} is not a finite number` };
  return { ok: true, value: new Decimal(n.toPrecision(15)).toFixed() };
}
