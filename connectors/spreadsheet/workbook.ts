import ExcelJS from 'exceljs';
import { inspectZip, ZipLimitError, ZipUnreadableError } from '../../src/boundary/zip-limits.js';
import type { WorkbookLimits } from '../../src/config/env.js';
import { readCell, type Cell } from './cells.js';
import { columns, headers, requiredColumns, sheetName, type Column } from './template/layout.js';
import { foldText } from './text.js';

/** A data row: its number in Excel (1-based, as the steward sees it) and the template's cells. */
export interface SheetRow {
  readonly row: number;
  readonly cells: Readonly<Record<Column, Cell>>;
}

export type ParsedWorkbook =
  | { readonly ok: true; readonly sheet: string; readonly headerRow: number; readonly rows: readonly SheetRow[] }
  | { readonly ok: false; readonly code: WorkbookRefusalCode; readonly reason: string };

export type WorkbookRefusalCode = 'FILE_UNREADABLE' | 'WORKBOOK_LIMIT_EXCEEDED' | 'SHEET_NOT_FOUND' | 'HEADER_MISMATCH';

/** A workbook refused before it is parsed: over the host's limits, or a zip that cannot be read (a lying one too). */
export function refusedWorkbook(error: unknown): ParsedWorkbook {
  if (error instanceof ZipLimitError) return { ok: false, code: 'WORKBOOK_LIMIT_EXCEEDED', reason: error.message };
  if (error instanceof ZipUnreadableError) return { ok: false, code: 'FILE_UNREADABLE', reason: error.message };
  throw error;
}

/** Folded header texts each column is recognised by (the template's, and what departments write instead). */
const aliases: Readonly<Record<Column, readonly string[]>> = {
  indicator: ['ma chi tieu', 'chi tieu'],
  unit: ['ma don vi hanh chinh', 'ma dvhc', 'don vi hanh chinh', 'ma don vi', 'don vi'],
  period: ['ky', 'ky bao cao'],
  value: ['gia tri', 'so lieu'],
  status: ['trang thai'],
  source: ['nguon', 'nguon so lieu'],
};
const headerSearchRows = 10;

function columnOf(text: string): Column | undefined {
  const folded = foldText(text).replace(/[:*]+$/, '').trim();
  return columns.find((c) => aliases[c].includes(folded));
}

function pickSheet(workbook: ExcelJS.Workbook): ExcelJS.Worksheet | undefined {
  const wanted = foldText(sheetName);
  return workbook.worksheets.find((w) => foldText(w.name) === wanted) ?? (workbook.worksheets.length === 1 ? workbook.worksheets[0] : undefined);
}

/** The header row among the first rows: the first that names every required column. */
function findHeader(sheet: ExcelJS.Worksheet): { row: number; at: Partial<Record<Column, number>> } | undefined {
  for (let r = 1; r <= Math.min(headerSearchRows, sheet.rowCount); r++) {
    const at: Partial<Record<Column, number>> = {};
    sheet.getRow(r).eachCell((cell, col) => {
      const c = columnOf(cell.text);
      if (c !== undefined && at[c] === undefined) at[c] = col;
    });
    if (requiredColumns.every((c) => at[c] !== undefined)) return { row: r, at };
  }
  return undefined;
}

/**
 * Reads the `Số liệu` sheet: the header row (any order, case, NFC/NFD, spacing) and the rows below it that are not
 * empty. The zip is checked against the host's `limits` first: exceljs inflates everything in memory.
 */
export async function parseWorkbook(bytes: Buffer, limits: WorkbookLimits): Promise<ParsedWorkbook> {
  try {
    await inspectZip(bytes, limits);
  } catch (error) {
    return refusedWorkbook(error);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return { ok: false, code: 'FILE_UNREADABLE', reason: `the file is not an Excel workbook (.xlsx) that can be read: ${(error as Error).message}. Save it as "Excel Workbook (*.xlsx)" and upload it again` };
  }
  // exceljs reads any zip (a .docx too) as a workbook without sheets.
  if (workbook.worksheets.length === 0) {
    return { ok: false, code: 'FILE_UNREADABLE', reason: 'the file is not an Excel workbook (.xlsx): it is a zip without any sheet. Save it as "Excel Workbook (*.xlsx)" and upload it again' };
  }
  const sheet = pickSheet(workbook);
  if (!sheet) {
    const names = workbook.worksheets.map((w) => `"${w.name}"`).join(', ');
    return { ok: false, code: 'SHEET_NOT_FOUND', reason: `the workbook has no sheet named "${sheetName}" (it has ${names}); rename the data sheet to "${sheetName}"` };
  }
  const header = findHeader(sheet);
  if (!header) {
    const expected = requiredColumns.map((c) => headers[c]).join(' | ');
    return { ok: false, code: 'HEADER_MISMATCH', reason: `sheet "${sheet.name}" has no header row with ${expected} in its first ${headerSearchRows} rows; use the template` };
  }
  const rows: SheetRow[] = [];
  for (let r = header.row + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = Object.fromEntries(columns.map((c) => [c, header.at[c] === undefined ? null : readCell(row.getCell(header.at[c]).value)])) as Record<Column, Cell>;
    if (columns.every((c) => cells[c] === null)) continue;
    rows.push({ row: r, cells });
  }
  return { ok: true, sheet: sheet.name, headerRow: header.row, rows };
}
