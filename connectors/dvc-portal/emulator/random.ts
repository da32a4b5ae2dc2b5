import { createHash } from 'node:crypto';

/** A number in [0, 1) fixed by `seed`: the generated data is the same on every run, so failures reproduce. */
export function uniform(seed: string): number {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 2 ** 32;
}

/** A UUID-looking id fixed by `seed`, as the portal's row ids look. */
export function stableUuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
