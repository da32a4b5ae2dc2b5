import { Decimal } from 'decimal.js';

/**
 * Values as a workbook holds them. A number cell is read as Excel keeps it (15 significant digits, so 0.1 + 0.2
 * by formula is 0.3); text is read in the Vietnamese format: `.` groups thousands, `,` starts the decimals
 * ("1.234,5" is one thousand two hundred thirty-four and a half). A dot that is not a thousands group ("0.75")
 * is refused rather than guessed: "0.750" would otherwise be ambiguous.
 */
export type ParsedValue = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

const shape = /^([+-])?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/;
const spaces = /[\s\u00a0\u202f]+/g;

/** Exact decimal text ("1234.5") of a number cell, never a float's noise. */
export function numberCellValue(n: number): ParsedValue {
  if (!Number.isFinite(n)) return { ok: false, reason: `${String(n)} is not a finite number` };
  return { ok: true, value: new Decimal(n.toPrecision(15)).toFixed() };
}

/** Exact decimal text of Vietnamese-formatted text ("1.234,5" -> "1234.5", "-0,75" -> "-0.75"). */
export function vnTextValue(text: string): ParsedValue {
  const cleaned = text.replace(spaces, '').replace(/\u2212/g, '-');
  if (cleaned === '') return { ok: false, reason: 'the cell is empty' };
  const m = shape.exec(cleaned);
  if (!m) return { ok: false, reason: `"${text}" is not a number: write it as a number cell, or as text in the Vietnamese format (1.234,5 or 0,75)` };
  const integer = (m[2] ?? '').replace(/\./g, '');
  const fraction = m[3] ?? '';
  const value = new Decimal(`${m[1] ?? ''}${integer}${fraction === '' ? '' : `.${fraction}`}`);
  return { ok: true, value: value.isZero() ? '0' : value.toFixed() };
}
