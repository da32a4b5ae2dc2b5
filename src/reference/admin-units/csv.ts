import { readFile } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse/sync';
import { ReferenceDataError } from '../../errors.js';
import type { LoadProblem } from './problems.js';

export interface CsvRow<C extends string> {
  /** Physical line (1-based) where the record starts; a quoted field may carry it over several lines. */
  readonly line: number;
  readonly values: Readonly<Record<C, string>>;
}

export interface CsvContent<C extends string> {
  readonly rows: CsvRow<C>[];
  readonly problems: LoadProblem[];
}

const bom = Buffer.from([0xef, 0xbb, 0xbf]);

/** Offsets where each physical line starts; line n (1-based) starts at starts[n - 1]. */
function lineStarts(buf: Buffer): number[] {
  const starts = [0];
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? Infinity) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function skipLineBreaks(buf: Buffer, offset: number): number {
  let i = offset;
  while (i < buf.length && (buf[i] === 0x0a || buf[i] === 0x0d)) i++;
  return i;
}

/** Thrown from inside the parser to stop it and start again at another offset. */
class Restart extends Error {
  constructor(readonly at: number) {
    super('restart');
  }
}

/**
 * Reads a CSV file whose header must be exactly `header`. Rows that cannot be read (unbalanced quote, wrong
 * field count) become problems with the line they start on, and reading goes on at the next physical line:
 * an unbalanced quote costs one line, not the rest of the file.
 */
export async function readCsv<const H extends readonly string[]>(file: string, header: H): Promise<CsvContent<H[number]>> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (cause) {
    throw new ReferenceDataError(`${file}: cannot read the file: ${(cause as Error).message}`, { cause });
  }
  const starts = lineStarts(buf);
  const rows: CsvRow<H[number]>[] = [];
  const problems: LoadProblem[] = [];
  const expected = header.join(',');
  const wrongHeader = (got: string) =>
    new ReferenceDataError(`${file}: the header is "${got}"; expected "${expected}". Is this the right file?`);
  // Set inside the parser's callback, which flow analysis does not follow.
  let headerSeen = false as boolean;
  let pos = buf.subarray(0, 3).equals(bom) ? 3 : 0;

  const nextLineStart = (line: number): number => starts[line] ?? buf.length;

  while (pos < buf.length) {
    let end = pos;
    try {
      parse(buf.subarray(pos), {
        relax_column_count: true,
        skip_empty_lines: true,
        on_record: (record: string[], ctx) => {
          const start = skipLineBreaks(buf, end);
          const recordEnd = pos + ctx.bytes;
          end = recordEnd;
          const line = lineAt(starts, start);
          const fields = record.map((f) => f.trim());
          if (!headerSeen) {
            if (fields.join(',') !== expected) throw wrongHeader(fields.join(','));
            headerSeen = true;
            return null;
          }
          if (fields.length === header.length) {
            rows.push({ line, values: Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])) as Record<H[number], string> });
            return null;
          }
          const lastLine = lineAt(starts, skipBack(buf, recordEnd, start));
          if (lastLine > line) {
            problems.push({ file, line, reason: `a quoted field runs from line ${line} to line ${lastLine} and the record has ${fields.length} fields, expected ${header.length}: unbalanced quote? Line skipped` });
            throw new Restart(nextLineStart(line));
          }
          problems.push({ file, line, reason: `has ${fields.length} fields, expected ${header.length} (${expected})` });
          return null;
        },
      });
      break;
    } catch (err) {
      if (err instanceof Restart) {
        pos = err.at;
        continue;
      }
      if (!(err instanceof CsvError)) throw err;
      const line = lineAt(starts, skipLineBreaks(buf, end));
      if (!headerSeen) throw wrongHeader(buf.subarray(pos, nextLineStart(line)).toString('utf8').trim());
      problems.push({ file, line, reason: `unreadable CSV (${err.code}): ${describe(err)}; line skipped` });
      pos = nextLineStart(line);
    }
  }
  if (!headerSeen) throw wrongHeader('');
  return { rows, problems };
}

/** Last offset of a record, before its line break. */
function skipBack(buf: Buffer, end: number, start: number): number {
  let i = end - 1;
  while (i > start && (buf[i] === 0x0a || buf[i] === 0x0d)) i--;
  return i;
}

function describe(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened on this line is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote is closed and followed by text (unbalanced quote)';
    default:
      // csv-parse's own line numbers count from where reading resumed; ours are physical lines.
      return err.message.replace(/ at line \d+/, '');
  }
}
