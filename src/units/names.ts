/**
 * Name normalisation for administrative units: free text -> the `exact_key` / `ascii_key` pair of
 * `admin_unit_name`. Both keys are NFC, lower case, without administrative prefix and punctuation;
 * the ascii key also drops diacritics ("Hoà Bình" and "Hòa Bình" differ exactly, match in ascii).
 */

export interface NameKeys {
  readonly exactKey: string;
  readonly asciiKey: string;
}

/** What an administrative prefix or English suffix says about the level of the unit named. */
export type LevelHint = 'province' | 'commune' | 'district';

export interface NormalisedName extends NameKeys {
  /** The prefix removed, as written (NFC, lower case), e.g. "tp" or "phường"; null when none. */
  readonly prefix: string | null;
  /** Level the prefix or suffix implies; null when it implies none ("Thành phố" is used at several levels). */
  readonly levelHint: LevelHint | null;
  /**
   * The keys without removing a Vietnamese prefix (English suffixes still go): "Tinh Bien" typed without diacritics
   * may be the commune Tịnh Biên, and the English "Quan Bau Ward" is Quán Bàu, not "Quận Bau".
   */
  readonly unprefixed: NameKeys;
}

interface Affix {
  readonly words: readonly string[];
  readonly hint: LevelHint | null;
}

// Longest first, so "thị xã" wins over a shorter prefix starting the same way.
const prefixes: readonly Affix[] = [
  { words: ['thành', 'phố'], hint: null },
  { words: ['thủ', 'đô'], hint: 'province' },
  { words: ['đặc', 'khu'], hint: 'commune' },
  { words: ['thị', 'trấn'], hint: 'commune' },
  { words: ['thị', 'xã'], hint: 'district' },
  { words: ['tỉnh'], hint: 'province' },
  { words: ['tp'], hint: null },
  { words: ['xã'], hint: 'commune' },
  { words: ['phường'], hint: 'commune' },
  { words: ['quận'], hint: 'district' },
  { words: ['huyện'], hint: 'district' },
];

// The GSO catalogue's English names: "Vinh Phuc Commune", "Ho Chi Minh City".
const englishSuffixes: readonly Affix[] = [
  { words: ['special', 'zone'], hint: 'commune' },
  { words: ['province'], hint: 'province' },
  { words: ['commune'], hint: 'commune' },
  { words: ['ward'], hint: 'commune' },
  { words: ['township'], hint: 'commune' },
  { words: ['precinct'], hint: 'commune' },
  { words: ['district'], hint: 'district' },
  { words: ['city'], hint: null },
  { words: ['town'], hint: null },
];

/** NFC, invisible characters dropped, whitespace (newlines included) collapsed: the form stored as a unit's name. */
export function cleanName(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Drops diacritics: NFD, combining marks removed, đ -> d. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** The lower-case words of a name, punctuation as spaces (apostrophes of ethnic-minority names kept). */
export function nameWords(text: string): string[] {
  const spaced = cleanName(text)
    .toLowerCase()
    .replace(/[‘’`´ʼ]/g, "'")
    .replace(/[.,\-–—/()]/g, ' ');
  return spaced
    .replace(/\s*'\s*/g, "'")
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** "Tinh" (typed without diacritics) is "tỉnh"; "Tịnh" is not: a word with diacritics must match them exactly. */
function sameWord(word: string, affixWord: string): boolean {
  if (word === affixWord) return true;
  const folded = foldDiacritics(word);
  return folded === word && folded === foldDiacritics(affixWord);
}

function matchesAt(ws: readonly string[], affix: Affix, start: number): boolean {
  return affix.words.every((a, i) => {
    const w = ws[start + i];
    return w !== undefined && sameWord(w, a);
  });
}

function toKeys(ws: readonly string[]): NameKeys {
  const exactKey = ws.join(' ');
  return { exactKey, asciiKey: foldDiacritics(exactKey) };
}

/** Keys of a name plus what its prefix said; a prefix (or suffix) is removed only when something remains. */
export function normaliseName(text: string): NormalisedName {
  let ws = nameWords(text);
  let levelHint: LevelHint | null = null;
  const tail = englishSuffixes.find((s) => ws.length > s.words.length && matchesAt(ws, s, ws.length - s.words.length));
  if (tail) {
    levelHint = tail.hint;
    ws = ws.slice(0, ws.length - tail.words.length);
  }
  const unprefixed = toKeys(ws);
  let prefix: string | null = null;
  const head = prefixes.find((p) => ws.length > p.words.length && matchesAt(ws, p, 0));
  if (head) {
    prefix = ws.slice(0, head.words.length).join(' ');
    levelHint ??= head.hint;
    ws = ws.slice(head.words.length);
  }
  return { ...toKeys(ws), prefix, levelHint, unprefixed };
}

/** The two index keys of a name. */
export function nameKeys(text: string): NameKeys {
  const { exactKey, asciiKey } = normaliseName(text);
  return { exactKey, asciiKey };
}
