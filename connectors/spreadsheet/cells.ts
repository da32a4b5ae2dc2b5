import type { CellValue } from 'exceljs';
import { cleanText } from './text.js';

/**
 * A cell as landed (JSON): text, a number, a boolean, a date (ISO day, e.g. the date Excel makes of "2024-09"),
 * an Excel error (#N/A), or a formula Excel never computed. Formulas are read as their computed result.
 */
export type Cell = string | number | boolean | null | { readonly date: string } | { readonly error: string } | { readonly formulaWithoutResult: string };

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function scalar(v: number | string | boolean | Date | { error: string }): Cell {
  if (v instanceof Date) return { date: isoDay(v) };
  if (typeof v === 'object') return { error: v.error };
  if (typeof v === 'string') return cleanText(v) === '' ? null : cleanText(v);
  return v;
}

/** The value a steward sees in the cell. */
export function readCell(value: CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) return scalar(value);
  if ('error' in value) return { error: value.error };
  if ('richText' in value) return scalar(value.richText.map((r) => r.text).join(''));
  if ('hyperlink' in value) return scalar(value.text);
  if ('formula' in value || 'sharedFormula' in value) {
    if (value.result === undefined) return { formulaWithoutResult: 'sharedFormula' in value ? value.sharedFormula : value.formula };
    return scalar(value.result);
  }
  return null;
}

export const isDateCell = (c: Cell): c is { readonly date: string } => c !== null && typeof c === 'object' && 'date' in c;

/** The cell as text for messages and keys. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c !== 'object') return String(c);
  if ('date' in c) return c.date;
  if ('error' in c) return c.error;
  return `=${c.formulaWithoutResult}`;
}
