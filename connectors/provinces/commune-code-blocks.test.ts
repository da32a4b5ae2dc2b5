import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/reference/admin-units/csv.js';
import { legacyProvinceOfCommune } from './commune-code-blocks.js';
import { placeOfUnitCode } from './unit-code-place.js';

const dir = process.env.LGSP_ADMIN_UNITS_DIR ?? '/work/shared/data/admin-units';

describe.skipIf(!existsSync(join(dir, 'communes-2025.csv')))('commune code blocks, against the GSO catalogue in shared/data/admin-units', () => {
  it('place every legacy commune in its legacy province', async () => {
    const legacy = await readCsv(join(dir, 'gso-catalogue-legacy-wards-2025-07-18.csv'), ['Mã', 'Tên', 'Tên Tiếng Anh', 'Cấp', 'Mã QH', 'Quận Huyện', 'Mã TP', 'Tỉnh / Thành Phố'] as const);
    expect(legacy.rows.length).toBeGreaterThan(10_000);
    const wrong = legacy.rows.filter((r) => legacyProvinceOfCommune(r.values['Mã']) !== r.values['Mã TP']).map((r) => r.values['Mã']);
    expect(wrong).toEqual([]);
  });

  it('place every 2025 commune in its current province, through the legacy province whose code it took', async () => {
    const current = await readCsv(join(dir, 'communes-2025.csv'), ['code', 'name', 'level', 'province_code', 'province_name', 'decree'] as const);
    expect(current.rows.length).toBeGreaterThan(3_000);
    const wrong = current.rows.filter((r) => {
      const place = placeOfUnitCode(r.values.code, '2025-12-31');
      return place.kind !== 'province' || place.code !== r.values.province_code;
    });
    expect(wrong.map((r) => r.values.code)).toEqual([]);
  });

  it('place no code outside the blocks', () => {
    expect(legacyProvinceOfCommune('00000')).toBeUndefined();
    expect(legacyProvinceOfCommune('99999')).toBeUndefined();
    expect(legacyProvinceOfCommune('3028')).toBeUndefined();
  });
});
