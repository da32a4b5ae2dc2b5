import type { ObservationStatus } from '../../src/warehouse/schema.js';

const provisional = new Set(['p', 'provisional', 'prel', 'preliminary', 'sơ bộ', 'so bo', 'sb']);
const estimated = new Set(['e', 'est', 'estimate', 'estimated', 'ước tính', 'uoc tinh', 'ước', 'ut']);

/**
 * A JSON-stat status flag as the observation's status. GSO marks preliminary figures "Sơ bộ" (PX code "p") and
 * estimates "Ước tính" ("e"); flags are read case-insensitively, in NFC or NFD, with spaces. Anything else (no
 * flag, "..", footnote markers) is final.
 */
export function observationStatus(flag: string | null): ObservationStatus {
  if (flag === null) return 'final';
  const f = flag.normalize('NFC').trim().replace(/\s+/g, ' ').replace(/\.$/, '').toLowerCase();
  if (provisional.has(f)) return 'provisional';
  if (estimated.has(f)) return 'estimated';
  return 'final';
}
