import { legacyProvinceOfCommune } from './commune-code-blocks.js';
import { currentCodeOf, lastLegacyDay, provinceVersions, validOn } from './province-versions.js';
import { inProvince, unknownPlace, type RecordPlace } from './record-place.js';

/**
 * The current province a two-digit province code rolls up to, read as of `day` when it names a province then
 * (91 in 2024 is Kiên Giang, in 2026 An Giang: both roll up to 91). A code not valid on the day (89 in 2026) is
 * placed by what its versions became, if they all became one province: the engine rejects the record, and the
 * connection of the province it is about shows the rejection.
 */
export function placeOfProvinceCode(code: string, day?: string): RecordPlace {
  const versions = provinceVersions().filter((v) => v.code === code);
  const onDay = day === undefined ? [] : versions.filter((v) => validOn(v, day));
  const current = new Set((onDay.length > 0 ? onDay : versions).map((v) => currentCodeOf(v)));
  const [only] = current;
  return current.size === 1 && only !== undefined ? inProvince(only) : unknownPlace;
}

/** The current province a GSO unit code rolls up to: a province (2 digits) or a commune (5 digits, by its block). */
export function placeOfUnitCode(code: string, day?: string): RecordPlace {
  if (/^\d{2}$/.test(code)) return placeOfProvinceCode(code, day);
  const legacy = legacyProvinceOfCommune(code);
  return legacy === undefined ? unknownPlace : placeOfProvinceCode(legacy, lastLegacyDay);
}
