import { cleanName, nameWords } from './names.js';

/**
 * An address cut into the parts people separate places with: comma, semicolon, slash, parentheses, line breaks,
 * en and em dashes, and a hyphen with a space on either side ("TP Long Xuyên - An Giang"). A hyphen between two
 * letters stays ("BR-VT"); a name with a spaced dash ("Bà Rịa - Vũng Tàu") is put together again by `windows`.
 */
export function addressParts(address: string): string[] {
  const text = address
    .normalize('NFC')
    // Ð (U+00D0, Icelandic eth) is often typed for Đ.
    .replace(/Ð/g, 'Đ')
    .replace(/ð/g, 'đ')
    .replace(/[\u200B-\u200D\uFEFF]/g, '');
  return text
    .split(/[,;/\\|\n\r()[\]{}–—]+|\s+-+\s*|\s*-+\s+/)
    .map((p) => cleanName(p).replace(/\s+\d{5,6}$/, '').replace(/[.\s]+$/, ''))
    .filter((p) => p !== '' && !/^[0-9\s.-]+$/.test(p));
}

/** One to three adjacent parts joined back with " - ", the part alone first, ending at each part from the last. */
export interface AddressWindow {
  readonly text: string;
  /** Index of the first part it covers. */
  readonly start: number;
  readonly end: number;
}

export function* windows(parts: readonly string[]): Generator<AddressWindow> {
  for (let end = parts.length - 1; end >= 0; end--) {
    for (let start = end; start >= Math.max(0, end - 2); start--) {
      yield { text: parts.slice(start, end + 1).join(' - '), start, end };
    }
  }
}

/**
 * The readings of one part as a place name: as written, with "T.P" read as "thành phố" (the period splits the
 * abbreviation in two words), and, when a province prefix appears inside the part ("Phường 4 Quận 5 TP Hồ Chí
 * Minh", written without separators), what follows its last occurrence.
 */
export function readings(part: string, joined: boolean): string[] {
  const ws = nameWords(part);
  const out = [part];
  if (joined) return out;
  if (ws[0] === 't' && ws[1] === 'p' && ws.length > 2) out.push(['thành', 'phố', ...ws.slice(2)].join(' '));
  else if (ws[0] === 't' && ws.length > 1) out.push(['tỉnh', ...ws.slice(1)].join(' ')); // "T. Kiên Giang"
  const provincePrefix = (i: number) =>
    ws[i] === 'tỉnh' || ws[i] === 'tinh' || ws[i] === 'tp' || ((ws[i] === 'thành' || ws[i] === 'thanh') && (ws[i + 1] === 'phố' || ws[i + 1] === 'pho'));
  for (let i = ws.length - 2; i > 0; i--) {
    if (!provincePrefix(i)) continue;
    out.push(ws.slice(i).join(' '));
    break;
  }
  return out;
}
