/** Text as stewards type it: NFC or NFD, extra or non-breaking spaces. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/** For comparing headers, statuses and names: clean, lower case, without diacritics ("Sơ bộ" -> "so bo"). */
export function foldText(text: string): string {
  return cleanText(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}
