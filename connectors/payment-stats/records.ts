import type { Json, Page, SourceRecord } from '../../src/connector-sdk/types.js';
import type { Logger } from '../../src/logger.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import { classifyChannel } from './channels.js';
import type { FileRow, MonthFile } from './month-file.js';
import { provinceCode } from './province-code.js';
import { placeOfRow } from './row-place.js';
import type { IndexEntry, VersionCursor } from './source-index.js';
import { cleanText } from './text.js';
import { parseTransactionCount } from './transaction-count.js';

/** A row of a month file as landed: the cells as sent, and the month the index published it for. */
export interface RowData {
  readonly kind: 'row';
  readonly ky: string;
  readonly maTinh: string;
  readonly tenTinh: string;
  readonly kyBaoCao: string;
  readonly kenh: string;
  readonly soLuongGiaoDich: string;
  readonly giaTriGiaoDich: string;
  readonly extra?: string[];
  readonly missingCells?: true;
  /** Set on the second row for the same province and channel in one file (it is rejected). */
  readonly duplicateOfLine?: number;
}

/** A file refused as a whole (header, encoding): one record so stewards see it among the rejections. */
export interface FileData {
  readonly kind: 'file';
  readonly ky: string;
  readonly tep: string;
  readonly phienBan: number;
  readonly code: string;
  readonly reason: string;
}

function channelKeyPart(kenh: string): string {
  const c = classifyChannel(kenh);
  return c.kind === 'noncash' || c.kind === 'cash' ? c.channel : cleanText(kenh);
}

/**
 * The page for one month's file: a record per row, keyed `${ky}|${maTinh}|${kênh}` and scoped to the month, which
 * the page carries in full (rows of an earlier version absent here are withdrawn). Total rows are not records.
 * Rows of provinces the connection does not cover are left out before anything else: the month's scope is then
 * complete for the connection's own provinces only, and withdrawal is per connection, so a province's connection
 * never withdraws another's rows. The page is yielded even when no row is left: a new version that drops all of a
 * province's rows must still withdraw them. A refused file concerns every province: each connection reports it.
 */
export function monthPage(entry: IndexEntry, file: MonthFile, cursor: VersionCursor, logger: Logger, provinces = ProvinceFilter.of(undefined)): Page {
  const next: VersionCursor = { ...cursor, [entry.ky]: entry.phienBan };
  if (!file.ok) {
    const data: FileData = { kind: 'file', ky: entry.ky, tep: entry.tep, phienBan: entry.phienBan, code: file.code, reason: file.reason };
    // No complete scope: a refused file must not withdraw the month's earlier, good version.
    return { records: [{ key: `${entry.ky}|tệp`, scope: entry.ky, data: data as unknown as Json, location: { file: entry.tep, line: 1 } }], cursor: next };
  }
  const rows = provinces.select(file.rows, (row) => placeOfRow(row, entry.ky));
  const records: SourceRecord[] = [];
  const lineOfKey = new Map<string, number>();
  for (const row of rows) {
    if (classifyChannel(row.kenh).kind === 'total') continue;
    const base = `${entry.ky}|${provinceCode(row.maTinh)}|${channelKeyPart(row.kenh)}`;
    const firstLine = lineOfKey.get(base);
    const key = firstLine === undefined ? base : `${base}|dòng ${row.line}`;
    if (firstLine === undefined) lineOfKey.set(base, row.line);
    records.push({ key, scope: entry.ky, data: rowData(entry.ky, row, firstLine) as unknown as Json, location: { file: entry.tep, line: row.line, phienBan: entry.phienBan } });
  }
  checkTotals(entry, rows, logger);
  return { records, cursor: next, completeScopes: [entry.ky] };
}

function rowData(ky: string, row: FileRow, duplicateOfLine: number | undefined): RowData {
  return {
    kind: 'row', ky, maTinh: row.maTinh, tenTinh: row.tenTinh, kyBaoCao: row.kyBaoCao, kenh: row.kenh, soLuongGiaoDich: row.soLuong, giaTriGiaoDich: row.giaTri,
    ...(row.extra.length > 0 ? { extra: [...row.extra] } : {}),
    ...(row.missingCells ? { missingCells: true as const } : {}),
    ...(duplicateOfLine !== undefined ? { duplicateOfLine } : {}),
  };
}

/** `Tổng cộng` is never loaded; when it disagrees with the sum of the province's channels, stewards are told. */
function checkTotals(entry: IndexEntry, rows: readonly FileRow[], logger: Logger): void {
  const sums = new Map<string, number>();
  const totals: { code: string; row: FileRow }[] = [];
  for (const row of rows) {
    const code = provinceCode(row.maTinh);
    const kind = classifyChannel(row.kenh).kind;
    if (kind === 'total') totals.push({ code, row });
    const count = parseTransactionCount(row.soLuong);
    if ((kind === 'noncash' || kind === 'cash') && count.ok) sums.set(code, (sums.get(code) ?? 0) + count.value);
  }
  for (const { code, row } of totals) {
    const total = parseTransactionCount(row.soLuong);
    const sum = sums.get(code) ?? 0;
    if (!total.ok || total.value !== sum) {
      logger.warn({ file: entry.tep, line: row.line, province: code, total: row.soLuong, sumOfChannels: sum }, 'payment file: the Tổng cộng row does not equal the sum of the channels (not loaded either way)');
    }
  }
}
