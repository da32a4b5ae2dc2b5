import type { Json, Rejection, UnitReference } from '../../src/connector-sdk/types.js';
import { cleanText } from './envelope.js';

/**
 * `maDonViHanhChinh`: a GSO province code (2 digits) or commune code (5 digits), as of `asOf` (codes are reused:
 * 91 is Kiên Giang before 2025-07 and the merged An Giang after). Communes stay communes: the warehouse rolls them
 * up. A number instead of text is refused: it would have lost leading zeros ("01" -> 1).
 */
export function unitOf(value: Json | undefined, asOf: string): { readonly unit: UnitReference } | { readonly rejected: Rejection } {
  if (value === undefined || value === null) return { rejected: { code: 'MISSING_FIELD', reason: 'maDonViHanhChinh is missing: the row names no administrative unit' } };
  const code = cleanText(value);
  if (code === undefined) return { rejected: { code: 'UNIT_CODE_INVALID', reason: `maDonViHanhChinh is ${JSON.stringify(value)}: expected the GSO code as text ("91", "30292")` } };
  if (/^\d{2}$/.test(code)) return { unit: { code, level: 'province', asOf } };
  if (/^\d{5}$/.test(code)) return { unit: { code, level: 'commune', asOf } };
  return { rejected: { code: 'UNIT_CODE_INVALID', reason: `maDonViHanhChinh "${code}" is neither a 2-digit province code nor a 5-digit commune code` } };
}
