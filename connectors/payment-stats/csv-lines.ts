/** One line of a `;`-separated file, split into fields, with its 1-based line number. */
export interface CsvLine {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Splits semicolon-separated text: CRLF (or LF) line ends, blank lines skipped, fields optionally quoted with `"`
 * (a doubled `""` inside is one quote). Fields do not span lines in these files.
 */
export function splitCsv(text: string, separator: string): CsvLine[] {
  const out: CsvLine[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    out.push({ line: i + 1, fields: splitLine(raw, separator) });
  });
  return out;
}

function splitLine(raw: string, separator: string): string[] {
  if (!raw.includes('"')) return raw.split(separator);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (quoted) {
      if (c === '"' && raw.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
