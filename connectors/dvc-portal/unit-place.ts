import type { Json } from '../../src/connector-sdk/types.js';
import { unknownPlace, type RecordPlace } from '../provinces/record-place.js';
import { placeOfUnitCode } from '../provinces/unit-code-place.js';
import { asObject, cleanText } from './envelope.js';
import { lastDayOf, monthPattern } from './months.js';

/**
 * Which current province a report row or catalogue item is about: the one its `maDonViHanhChinh` (a province or a
 * commune, legacy before 2025-07) rolls up to, read as of the month's last day. Unknown when the code is missing or
 * unreadable: such a row is kept, and the normaliser rejects it.
 */
export function placeOfItem(item: Json, month: string | undefined): RecordPlace {
  const code = cleanText(asObject(item)?.maDonViHanhChinh);
  if (code === undefined) return unknownPlace;
  return placeOfUnitCode(code, month !== undefined && monthPattern.test(month) ? lastDayOf(month) : undefined);
}
