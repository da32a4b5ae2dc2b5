import { csvHeader, csvSeparator } from './contract.js';
import { splitCsv, type CsvLine } from './csv-lines.js';
import { cleanText } from './text.js';

/** A data row of a month file, cells as written (trimmed), with its line. */
export interface FileRow {
  readonly line: number;
  readonly maTinh: string;
  readonly tenTinh: string;
  readonly kyBaoCao: string;
  readonly kenh: string;
  readonly soLuong: string;
  readonly giaTri: string;
  /** Cells beyond the six of the contract (kept in the raw zone, not used). */
  readonly extra: readonly string[];
  /** A row with fewer cells than the header. */
  readonly missingCells: boolean;
}

export type MonthFile = { readonly ok: true; readonly rows: readonly FileRow[]; readonly hadBom: boolean } | { readonly ok: false; readonly code: string; readonly reason: string };

const bom = '\ufeff';

/** Decodes and splits a month file; refuses it whole when it is not UTF-8 or its header is not the contract's. */
export function parseMonthFile(bytes: Uint8Array): MonthFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, code: 'FILE_NOT_UTF8', reason: 'the file is not UTF-8 text' };
  }
  const hadBom = text.startsWith(bom);
  const lines = splitCsv(hadBom ? text.slice(1) : text, csvSeparator);
  const [header, ...data] = lines;
  if (!header) return { ok: false, code: 'FILE_EMPTY', reason: 'the file has no header row' };
  const got = header.fields.map(cleanText);
  if (got.length !== csvHeader.length || got.some((h, i) => h !== csvHeader[i])) {
    return {
      ok: false,
      code: 'HEADER_MISMATCH',
      reason: `the header row is "${got.join(';')}", not the contract's "${csvHeader.join(';')}": the file is refused rather than guessed; ask the State Bank branch to republish it in the agreed format`,
    };
  }
  return { ok: true, rows: data.map(toRow), hadBom };
}

function toRow(l: CsvLine): FileRow {
  const cell = (i: number) => (l.fields[i] ?? '').trim();
  return {
    line: l.line,
    maTinh: cell(0),
    tenTinh: cell(1),
    kyBaoCao: cell(2),
    kenh: cell(3),
    soLuong: cell(4),
    giaTri: cell(5),
    extra: l.fields.slice(csvHeader.length).map((f) => f.trim()),
    missingCells: l.fields.length < csvHeader.length,
  };
}
