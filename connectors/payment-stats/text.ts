/** Text as the contract lets it arrive: NFC or NFD, extra or non-breaking spaces. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/** For comparing names: clean and case-folded. */
export function textKey(text: string): string {
  return cleanText(text).toLocaleLowerCase('vi');
}
