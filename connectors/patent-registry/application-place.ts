import type { Json } from '../../src/connector-sdk/types.js';
import type { ProvinceNames } from '../provinces/province-names.js';
import { nowhere, unknownPlace, type RecordPlace } from '../provinces/record-place.js';
import { applicantsOf, firstVietnamese } from './applicants.js';
import { dateField } from './dates.js';
import { child, text } from './json-node.js';

/**
 * Which current province an application counts for: the province its first Vietnamese applicant's address names,
 * read as of the filing date (legacy names before 2025-07 included: "tỉnh Kiên Giang" counts for 91). Nowhere for a
 * foreign-only application, which counts for no province. Unknown when it has no applicant or the address names no
 * province: it is kept, and the normaliser or the engine rejects it.
 */
export function placeOfApplication(application: Json, names: ProvinceNames): RecordPlace {
  const applicants = applicantsOf(application);
  if (applicants.length === 0) return unknownPlace;
  const vietnamese = firstVietnamese(applicants);
  if (vietnamese === undefined) return nowhere;
  if (vietnamese.address === undefined) return unknownPlace;
  const filing = dateField(text(child(application, 'FilingDate')));
  return names.placeOfAddress(vietnamese.address, filing.ok ? filing.date : undefined);
}
