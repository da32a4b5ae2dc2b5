import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitDirectory } from '../src/pipeline/unit-directory.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';

describe('unit directory: how normalisers\' unit references resolve', () => {
  let t: TestDatabase;
  let units: UnitDirectory;
  const codeOf = async (ref: Parameters<UnitDirectory['lookup']>[0]) => {
    const r = await units.lookup(ref);
    if (!('unitId' in r)) return r.reason;
    const u = await t.db.selectFrom('admin_unit').select(['code', 'name']).where('id', '=', r.unitId).executeTakeFirstOrThrow();
    return `${u.code} ${u.name}`;
  };
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    units = await UnitDirectory.load(t.db);
  });
  afterAll(async () => t.drop());

  it('resolves codes as of a date: 91 is Kiên Giang before the reform and An Giang after', async () => {
    expect(await codeOf({ code: '91', asOf: '2025-03-31' })).toBe('91 Tỉnh Kiên Giang');
    expect(await codeOf({ code: '91', asOf: '2025-08-31' })).toBe('91 Tỉnh An Giang');
    expect(await codeOf({ code: '89', asOf: '2025-08-31' })).toMatch(/province code 89 is not valid on 2025-08-31 \(valid … to 2025-06-30\)/);
  });

  it('finds the province an address names, reading from the end, as of the date', async () => {
    expect(await codeOf({ address: '18 Ung Văn Khiêm, phường Đông Xuyên, thành phố Long Xuyên, tỉnh An Giang', asOf: '2024-03-15' })).toBe('89 Tỉnh An Giang');
    expect(await codeOf({ address: '18 Ung Văn Khiêm, phường Đông Xuyên, tỉnh An Giang', asOf: '2025-09-01' })).toBe('91 Tỉnh An Giang');
    expect(await codeOf({ address: '12 Nguyen Trai, Quan 1, TP.HCM, Viet Nam', asOf: '2024-05-01' })).toBe('79 Thành phố Hồ Chí Minh');
    expect(await codeOf({ address: 'so 5 duong 3/2, tp Can Tho', asOf: '2024-05-01' })).toBe('92 Thành phố Cần Thơ');
    expect(await codeOf({ address: 'Rạch Giá, Kiên Giang', asOf: '2024-05-01' })).toBe('91 Tỉnh Kiên Giang');
    // Written before the reform, meant after it: the unit named is followed to its successor.
    expect(await codeOf({ address: 'Rạch Giá, tỉnh Kiên Giang', writtenOn: '2024-11-02', asOf: '2026-01-15' })).toBe('91 Tỉnh An Giang');
    expect(await codeOf({ code: '89', writtenOn: '2025-06-30', asOf: '2025-07-01' })).toBe('91 Tỉnh An Giang');
    expect(await codeOf({ address: '1 Main Street, Springfield', asOf: '2024-05-01' })).toBe(
      'no province is named in the address "1 Main Street, Springfield" on 2024-05-01 (the communes are not loaded: only province names are read); '
        + 'check its spelling with `lgsp units resolve "<name>" --as-of 2024-05-01`, or correct it at the source',
    );
  });
});
