import { endsOn, parsePeriod } from '../../src/periods/period.js';
import { unknownPlace, type RecordPlace } from '../provinces/record-place.js';
import { placeOfProvinceCode } from '../provinces/unit-code-place.js';
import type { FileRow } from './month-file.js';
import { provinceCode } from './province-code.js';

/**
 * Which current province a row of the month `ky` is about: the one its `Mã tỉnh` (legacy before 2025-07) rolls up
 * to, read as of the month's last day. Unknown when the cell is no province code: the row is kept and rejected.
 */
export function placeOfRow(row: FileRow, ky: string): RecordPlace {
  const code = provinceCode(row.maTinh);
  return /^\d{2}$/.test(code) ? placeOfProvinceCode(code, endsOn(parsePeriod(ky))) : unknownPlace;
}
