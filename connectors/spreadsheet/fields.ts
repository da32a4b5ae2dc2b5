import { parseVietnameseNumber } from '../../src/numbers/vietnamese-number.js';
import type { ObservationStatus } from '../../src/warehouse/schema.js';
import { cellText, isDateCell, type Cell } from './cells.js';
import { foldText } from './text.js';
import { numberCellValue } from './number-cell.js';

/** A field read from a cell, or why it cannot be: `code` is the rejection code stewards see. */
export interface FieldError {
  readonly ok: false;
  readonly code: string;
  readonly reason: string;
}
export type Field<T> = { readonly ok: true; readonly value: T } | FieldError;

const ok = <T>(value: T): Field<T> => ({ ok: true, value });
const fail = <T>(code: string, reason: string): Field<T> => ({ ok: false, code, reason });

/** A cell Excel could not compute, or a formula without a stored result: the same for every column. */
function unusable<T>(column: string, c: Cell): Field<T> | undefined {
  if (c === null || typeof c !== 'object' || 'date' in c) return undefined;
  if ('error' in c) return fail('CELL_ERROR', `${column}: the cell shows the Excel error ${c.error}; fix the formula or type the value`);
  return fail('FORMULA_NOT_COMPUTED', `${column}: the formula =${c.formulaWithoutResult} has no computed result; open the workbook in Excel, save it, and upload it again`);
}

/** `Mã chỉ tiêu`: the catalogue code, any case ("rd_personnel" is RD_PERSONNEL). The engine checks the catalogue. */
export function indicatorField(c: Cell): Field<string> {
  const bad = unusable<string>('Mã chỉ tiêu', c);
  if (bad) return bad;
  const code = cellText(c).replace(/\s+/g, '').toUpperCase();
  return code === '' ? fail('MISSING_FIELD', 'Mã chỉ tiêu is empty') : ok(code);
}

/** A unit given by its GSO code (digits) or by its name ("Tỉnh An Giang"). */
export type UnitField = { readonly code: string } | { readonly name: string };

/**
 * `Mã đơn vị hành chính`. A code typed as a number loses its leading zeros (01 becomes 1): one digit is read as the
 * two-digit province code ("1" = "01"), three or four digits as the five-digit commune code ("123" = "00123").
 * Text that is not digits is a unit name.
 */
export function unitField(c: Cell): Field<UnitField> {
  const bad = unusable<UnitField>('Mã đơn vị hành chính', c);
  if (bad) return bad;
  if (typeof c === 'number' && !Number.isInteger(c)) return fail('UNIT_CODE_INVALID', `Mã đơn vị hành chính ${String(c)} is not a whole number`);
  if (isDateCell(c)) return fail('UNIT_CODE_INVALID', `Mã đơn vị hành chính is a date (${c.date}), not a code`);
  const text = cellText(c);
  if (text === '') return fail('MISSING_FIELD', 'Mã đơn vị hành chính is empty');
  if (!/^\d+$/.test(text)) return ok({ name: text });
  const code = text.length === 1 ? text.padStart(2, '0') : text.length === 3 || text.length === 4 ? text.padStart(5, '0') : text;
  return ok({ code });
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthOk = (m: number) => m >= 1 && m <= 12;

/**
 * `Kỳ`: 2024, 2024-Q3 (also "2024-q3", "Q3/2024", "Quý 3/2024") or 2024-09 (also "2024-9", "09/2024"). A cell Excel
 * turned into a date (typing 2024-09 does that) is read as its month.
 */
export function periodField(c: Cell): Field<string> {
  const bad = unusable<string>('Kỳ', c);
  if (bad) return bad;
  if (isDateCell(c)) return ok(c.date.slice(0, 7));
  const text = foldText(cellText(c)).replace(/\s+/g, '');
  if (text === '') return fail('MISSING_FIELD', 'Kỳ is empty');
  const invalid = () => fail<string>('PERIOD_INVALID', `Kỳ "${cellText(c)}" is not a period: write a year (2024), a quarter (2024-Q3) or a month (2024-09)`);
  let m = /^(\d{4})$/.exec(text);
  if (m) return ok(m[1] ?? '');
  m = /^(\d{4})-?q([1-4])$/.exec(text);
  if (m) return ok(`${m[1] ?? ''}-Q${m[2] ?? ''}`);
  m = /^(?:q|quy)([1-4])[/-](\d{4})$/.exec(text);
  if (m) return ok(`${m[2] ?? ''}-Q${m[1] ?? ''}`);
  m = /^(\d{4})-(\d{1,2})$/.exec(text);
  if (m) return monthOk(Number(m[2])) ? ok(`${m[1] ?? ''}-${pad(Number(m[2]))}`) : invalid();
  m = /^(\d{1,2})\/(\d{4})$/.exec(text);
  if (m) return monthOk(Number(m[1])) ? ok(`${m[2] ?? ''}-${pad(Number(m[1]))}`) : invalid();
  return invalid();
}

/**
 * `Giá trị`: a number cell, or Vietnamese-formatted text ("1.234,5"), as exact decimal text. A dot that does not
 * group thousands ("0.75" as text) is refused rather than guessed.
 */
export function valueField(c: Cell): Field<string> {
  const bad = unusable<string>('Giá trị', c);
  if (bad) return bad;
  if (c === null) return fail('MISSING_FIELD', 'Giá trị is empty');
  if (typeof c === 'number') {
    const n = numberCellValue(c);
    return n.ok ? ok(n.value) : fail('VALUE_NOT_A_NUMBER', `Giá trị: ${n.reason}`);
  }
  if (typeof c !== 'string') return fail('VALUE_NOT_A_NUMBER', `Giá trị "${cellText(c)}" is not a number`);
  const n = parseVietnameseNumber(c);
  return n.ok ? ok(n.value) : fail('VALUE_NOT_A_NUMBER', `Giá trị: ${n.reason}; or type it as a number cell`);
}

const statuses: Readonly<Record<string, ObservationStatus>> = {
  'chinh thuc': 'final', final: 'final',
  'so bo': 'provisional', provisional: 'provisional',
  'uoc tinh': 'estimated', 'uoc': 'estimated', estimated: 'estimated',
};

/** `Trạng thái`: Chính thức, Sơ bộ or Ước tính, with or without diacritics, any case. Empty means Chính thức. */
export function statusField(c: Cell): Field<ObservationStatus> {
  const bad = unusable<ObservationStatus>('Trạng thái', c);
  if (bad) return bad;
  const text = cellText(c);
  if (text === '') return ok('final');
  const status = statuses[foldText(text)];
  return status ? ok(status) : fail('STATUS_INVALID', `Trạng thái "${text}" is not one of Chính thức, Sơ bộ, Ước tính`);
}
