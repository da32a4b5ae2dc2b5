import type { Db } from '../../warehouse/database.js';
import { ReferenceDataError } from '../../errors.js';
import { isIsoDate as isDate } from '../../dates.js';
import { loadCommuneRows, type CommuneReport } from './commune-rows.js';
import { readCsv } from './csv.js';

/** The header of the GSO administrative-unit catalogue export (ward level), exactly as it is exported. */
export const gsoCatalogueHeader = ['Mã', 'Tên', 'Tên Tiếng Anh', 'Cấp', 'Mã QH', 'Quận Huyện', 'Mã TP', 'Tỉnh / Thành Phố'] as const;
export const legacyCatalogueFile = 'gso-catalogue-legacy-wards-2025-07-18.csv';

export interface Validity {
  /** First day the units are valid; null: since before the records we hold. */
  readonly validFrom: string | null;
  /** Last day (inclusive); null: still valid. */
  readonly validTo: string | null;
}

/**
 * Imports a GSO catalogue export (UTF-8 with BOM, ward level) as commune versions valid over `validity`, under
 * the provinces valid at its end. This is how operators load official updates, so it stands alone: provinces must
 * already be loaded, and the result counts what changed.
 */
export async function importGsoCatalogue(db: Db, file: string, validity: Validity): Promise<CommuneReport> {
  for (const d of [validity.validFrom, validity.validTo]) {
    if (d !== null && !isDate(d)) throw new ReferenceDataError(`${file}: validity date "${d}" is not a date (YYYY-MM-DD)`);
  }
  if (validity.validFrom !== null && validity.validTo !== null && validity.validFrom > validity.validTo) {
    throw new ReferenceDataError(`${file}: validity ${validity.validFrom} to ${validity.validTo} ends before it starts`);
  }
  const csv = await readCsv(file, gsoCatalogueHeader);
  return loadCommuneRows(
    db,
    csv.rows,
    ({ values: v }) => ({
      code: v['Mã'], name: v['Tên'], nameEn: v['Tên Tiếng Anh'], kind: v['Cấp'], provinceCode: v['Mã TP'],
      provinceName: v['Tỉnh / Thành Phố'], districtCode: v['Mã QH'], districtName: v['Quận Huyện'],
    }),
    { file, ...validity, kinds: ['Xã', 'Phường', 'Thị trấn', 'Đặc khu'] },
    [...csv.problems],
  );
}
