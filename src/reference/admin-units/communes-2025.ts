import type { Db } from '../../warehouse/database.js';
import { loadCommuneRows, type CommuneReport } from './commune-rows.js';
import { readCsv } from './csv.js';

export const communes2025File = 'communes-2025.csv';
export const reformDate = '2025-07-01';
const header = ['code', 'name', 'level', 'province_code', 'province_name', 'decree'] as const;

/** The communes, wards and special zones in force from 1 July 2025 (communes-2025.csv), under the current provinces. */
export async function loadCurrentCommunes(db: Db, file: string, validFrom = reformDate): Promise<CommuneReport> {
  const csv = await readCsv(file, header);
  return loadCommuneRows(
    db,
    csv.rows,
    ({ values: v }) => ({
      code: v.code, name: v.name, nameEn: '', kind: v.level, provinceCode: v.province_code, provinceName: v.province_name,
      districtCode: null, districtName: null,
    }),
    { file, validFrom, validTo: null, kinds: ['Xã', 'Phường', 'Đặc khu'] },
    [...csv.problems],
  );
}
