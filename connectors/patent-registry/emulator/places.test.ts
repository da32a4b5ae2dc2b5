import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitDirectory } from '../../../src/pipeline/unit-directory.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { loadProvinceReference } from '../../../test/support/warehouse-fixtures.js';
import { provinceCodeOn } from './area-codes.js';
import { areas, type Area } from './places.js';

describe('patent-registry emulator: every generated address names the intended province for the engine', () => {
  let t: TestDatabase;
  let units: UnitDirectory;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    units = await UnitDirectory.load(t.db);
  });
  afterAll(async () => t.drop());

  const codeOf = async (address: string, asOf: string) => {
    const r = await units.lookup({ address, level: 'province', asOf });
    if (!('unitId' in r)) return r.reason;
    return (await t.db.selectFrom('admin_unit').select('code').where('id', '=', r.unitId).executeTakeFirstOrThrow()).code;
  };

  for (const area of Object.keys(areas) as Area[]) {
    it(`${area}: legacy forms before the reform, new forms after, in NFC and NFD`, async () => {
      for (const address of areas[area].legacy) {
        expect([address, await codeOf(address, '2024-05-01')]).toEqual([address, provinceCodeOn(area, '2024-05-01')]);
        expect([address, await codeOf(address.normalize('NFD'), '2025-06-30')]).toEqual([address, provinceCodeOn(area, '2025-06-30')]);
      }
      // Grants are placed as of the grant date with the address written at filing: legacy names that survived the
      // reform still resolve afterwards (the legacy Kiên Giang does not: the generator never grants those after it).
      if (area !== 'KIEN_GIANG') {
        for (const address of areas[area].legacy) expect([address, await codeOf(address, '2026-02-01')]).toEqual([address, provinceCodeOn(area, '2026-02-01')]);
      }
      for (const address of areas[area].current) {
        expect([address, await codeOf(address, '2025-07-01')]).toEqual([address, provinceCodeOn(area, '2025-07-01')]);
        expect([address, await codeOf(`  ${address.normalize('NFD')} `, '2026-03-01')]).toEqual([address, provinceCodeOn(area, '2026-03-01')]);
      }
    });
  }
});
