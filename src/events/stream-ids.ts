/**
 * Redis Stream entry ids (`<milliseconds>-<sequence>`): validation and ordering. Compared as decimal strings, so
 * they stay exact at any size (both parts are 64-bit in Redis, beyond a JavaScript number).
 */

const idPattern = /^(\d{1,20})(?:-(\d{1,20}))?$/;

function stripZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/**
 * A full id (`ms-seq`) from what a client sends: `1718000000000-3`, or `1718000000000` (sequence 0), or `0`
 * (before every entry). Null when it is no stream id.
 */
export function normaliseStreamId(text: string): string | null {
  const match = idPattern.exec(text.trim());
  if (!match) return null;
  const ms = stripZeros(match[1] ?? '0');
  const seq = stripZeros(match[2] ?? '0');
  // Each part is an unsigned 64-bit number in Redis: a larger one is refused there, so it is no id here.
  return compareDigits(ms, maxPart) > 0 || compareDigits(seq, maxPart) > 0 ? null : `${ms}-${seq}`;
}

const maxPart = '18446744073709551615';

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` comes before `b`, 0 when equal, positive after. Both are full ids as Redis returns them. */
export function compareStreamIds(a: string, b: string): number {
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  return compareDigits(a.slice(0, dashA), b.slice(0, dashB)) || compareDigits(a.slice(dashA + 1), b.slice(dashB + 1));
}
