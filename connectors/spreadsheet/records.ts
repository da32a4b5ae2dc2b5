import type { Json, SourceRecord } from '../../src/connector-sdk/types.js';
import type { Cell } from './cells.js';
import { figureOf, sameUnit, type DuplicateUnit, type Figure } from './figure.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import type { ProvinceNames } from '../provinces/province-names.js';
import type { Column } from './template/layout.js';
import { placeOfRow } from './row-place.js';
import type { ParsedWorkbook } from './workbook.js';

/** A workbook as it arrived in the inbox. */
export interface Upload {
  readonly file: string;
  readonly sha256: string;
}

/** A data row as landed: the cells as read, the upload it came in, and the row it repeats, if any. */
export interface RowData {
  readonly kind: 'row';
  readonly file: string;
  readonly sha256: string;
  readonly row: number;
  readonly cells: Readonly<Record<Column, Cell>>;
  /** Set when an earlier row of the same workbook has the same indicator, unit and period (this one is rejected). */
  readonly duplicateOfRow?: number;
  /** Set with duplicateOfRow when the two rows write the unit differently: the earlier row's text, and the province both name. */
  readonly duplicateUnit?: DuplicateUnit;
}

/** A workbook refused as a whole (unreadable, no `Số liệu` sheet, no header): one record, so stewards see why. */
export interface FileData {
  readonly kind: 'file';
  readonly file: string;
  readonly sha256: string;
  readonly code: string;
  readonly reason: string;
}

/** A workbook's identity: its file name (NFC, any case). A re-upload under the same name replaces it. */
export const scopeOf = (file: string): string => `file:${file.normalize('NFC').toLowerCase()}`;

/**
 * The records of one workbook. A row is keyed by its figure (`RD_PERSONNEL|91|2025`), not by its row number, so
 * the last upload of a figure is the one that counts, wherever it sits; the records are scoped to the file,
 * which the page carries in full (rows a corrected re-upload no longer has are withdrawn). A row whose figure
 * cannot be read is keyed by its row; a second row for the same figure, however it writes the unit, is keyed by
 * its row and rejected. Rows of provinces the connection does not `cover` are left out first: the file's scope is
 * then complete for the connection's own rows (withdrawal is per connection). A refused workbook concerns every
 * province: each connection reading it reports it.
 */
export function workbookRecords(upload: Upload, parsed: ParsedWorkbook, provinces: ProvinceNames, cover = ProvinceFilter.of(undefined)): { records: SourceRecord[]; complete: boolean } {
  const scope = scopeOf(upload.file);
  if (!parsed.ok) {
    const data: FileData = { kind: 'file', ...upload, code: parsed.code, reason: parsed.reason };
    // Not complete: a refused workbook must not withdraw the figures of its earlier, good upload.
    return { records: [{ key: `${scope}|tệp`, scope, data: data as unknown as Json, location: { file: upload.file, row: 1 } }], complete: false };
  }
  const firstRow = new Map<string, { row: number; figure: Figure }>();
  const rows = cover.select(parsed.rows, (r) => placeOfRow(r.cells, provinces));
  const records = rows.map((r): SourceRecord => {
    const figure = figureOf(r.cells, provinces);
    const earlier = figure === undefined ? undefined : firstRow.get(figure.key);
    if (figure !== undefined && earlier === undefined) firstRow.set(figure.key, { row: r.row, figure });
    const key = figure !== undefined && earlier === undefined ? figure.key : `${scope}|row ${r.row}`;
    const unit = earlier !== undefined && figure !== undefined ? sameUnit(earlier.figure, figure) : undefined;
    const data: RowData = {
      kind: 'row', ...upload, row: r.row, cells: r.cells,
      ...(earlier !== undefined ? { duplicateOfRow: earlier.row } : {}),
      ...(unit !== undefined ? { duplicateUnit: unit } : {}),
    };
    return { key, scope, data: data as unknown as Json, location: { file: upload.file, row: r.row } };
  });
  return { records, complete: true };
}
