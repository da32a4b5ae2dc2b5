import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { UnitResolutionError } from '../src/errors.js';
import { loadAdminUnits } from '../src/reference/admin-units/index.js';
import { InvalidDateError } from '../src/errors.js';
import { requireUnit, resolveUnit, type ResolveOptions, type ResolveResult } from '../src/units/resolve.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const dir = resolve(projectRoot, process.env.LGSP_ADMIN_UNITS_DIR ?? '../shared/data/admin-units');
const before = '2024-05-01';
const after = '2025-08-01';

function unitOf(r: ResolveResult): string {
  if (!r.ok) throw new Error(`expected a unit, got ${r.code}: ${r.reason}`);
  return `${r.unit.level} ${r.unit.code} ${r.unit.name}`;
}

describe('resolveUnit (as of a date)', () => {
  let t: TestDatabase;
  const find = (text: string, options: ResolveOptions) => resolveUnit(t.db, text, options);

  beforeAll(async () => {
    t = await createTestDatabase();
    const report = await loadAdminUnits(t.db, { dir });
    expect(report.communesLoaded).toBe(true);
  });
  afterAll(async () => t.drop());

  it('a code means different units before and after 1 July 2025', async () => {
    const legacy = await find('91', { asOf: before });
    expect(unitOf(legacy)).toBe('province 91 Tỉnh Kiên Giang');
    expect(legacy).toMatchObject({ matchedBy: 'code', unit: { validFrom: null, validTo: '2025-06-30', parentCode: 'VN' } });
    const current = await find('91', { asOf: after });
    expect(unitOf(current)).toBe('province 91 Tỉnh An Giang');
    expect(current).toMatchObject({ matchedBy: 'code', unit: { validFrom: '2025-07-01', validTo: null } });
    expect(unitOf(await find('00004', { asOf: after }))).toBe('commune 00004 Phường Ba Đình');
    expect(unitOf(await find('00004', { asOf: before }))).toBe('commune 00004 Phường Trúc Bạch');
  });

  it('"An Giang" is legacy 89 before the reform and the merged 91 after it', async () => {
    expect(unitOf(await find('An Giang', { asOf: before }))).toBe('province 89 Tỉnh An Giang');
    expect(unitOf(await find('An Giang', { asOf: after }))).toBe('province 91 Tỉnh An Giang');
    expect(unitOf(await find('Tỉnh An Giang', { asOf: after, level: 'province' }))).toBe('province 91 Tỉnh An Giang');
  });

  it('Kiên Giang: with and without diacritics, NFD input, and after the reform its successor, flagged', async () => {
    expect(await find('Kiên Giang', { asOf: before })).toMatchObject({ ok: true, matchedBy: 'exact', unit: { code: '91' } });
    expect(await find('Kien Giang', { asOf: before })).toMatchObject({ ok: true, matchedBy: 'ascii', unit: { code: '91' } });
    expect(await find('Tỉnh Kiên Giang'.normalize('NFD'), { asOf: before })).toMatchObject({ ok: true, matchedBy: 'exact', unit: { code: '91' } });
    // Documents dated after the reform keep the legacy name and stay valid: the successor, flagged (issue 16).
    const merged = await find('Kiên Giang', { asOf: after });
    expect(merged).toMatchObject({ ok: true, matchedBy: 'succession', resolution: 'succession', unit: { code: '91', name: 'Tỉnh An Giang', validTo: null }, via: { code: '91', validTo: '2025-06-30' } });
  });

  it('a legacy code asked after the reform says where it went', async () => {
    const r = await find('89', { asOf: after });
    expect(r).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
    if (!r.ok) expect(r.reason).toBe('code 89 was province 89 Tỉnh An Giang until 2025-06-30; on 2025-08-01 it is part of 91 Tỉnh An Giang');
  });

  it('a unit created by the reform, asked before it, names where its area came from; a prefix is part of the name', async () => {
    const r = await find('Phường Hồng Hà', { asOf: before, within: 'Hà Nội' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/^'Phường Hồng Hà' names commune 00097 Phường Hồng Hà \(Thành phố Hà Nội\) only from 2025-07-01; on 2024-05-01 its area belonged to 00001 Phường Phúc Xá \(Quận Ba Đình, Thành phố Hà Nội\), /);
    // Xã Hồng Hà (Đan Phượng) has the name on that day, but it is another unit: said, not assumed.
    expect(r.reason).toMatch(/the name is held by 09796 Xã Hồng Hà \(Huyện Đan Phượng, Thành phố Hà Nội\), another unit/);
    expect(r.candidates.map((c) => c.code)).toEqual(['00097', '09796']);
    expect(await find('Xã Hồng Hà', { asOf: before, within: 'Hà Nội' })).toMatchObject({ ok: true, unit: { code: '09796', districtName: 'Huyện Đan Phượng' } });
  });

  it('a divided legacy commune is rejected with the communes its area went to', async () => {
    const r = await find('Phường Điện Biên', { asOf: after, within: 'Hà Nội' });
    expect(r).toMatchObject({ ok: false, code: 'UNIT_DIVIDED' });
    if (!r.ok) {
      expect(r.candidates.map((c) => c.code)).toEqual(['00004', '00070', '00190', '00226']);
      expect(r.reason).toContain(
        "'Phường Điện Biên' named commune 00019 Phường Điện Biên (Quận Ba Đình, Thành phố Hà Nội) until 2025-06-30; on 2025-08-01 its area is divided among " +
          '00004 Phường Ba Đình (Thành phố Hà Nội), 00070 Phường Hoàn Kiếm (Thành phố Hà Nội), 00190 Phường Ô Chợ Dừa (Thành phố Hà Nội), 00226 Phường Văn Miếu - Quốc Tử Giám (Thành phố Hà Nội)',
      );
    }
    // Without the prefix and the level, the name is the province Điện Biên.
    expect(unitOf(await find('Điện Biên', { asOf: after }))).toBe('province 11 Tỉnh Điện Biên');
  });

  it('a legacy commune merged whole resolves to the commune it is part of, flagged', async () => {
    const r = await find('Phường Phúc Xá', { asOf: after });
    expect(r).toMatchObject({ ok: true, resolution: 'succession', unit: { code: '00097', name: 'Phường Hồng Hà' }, via: { code: '00001', name: 'Phường Phúc Xá' } });
  });

  it('aliases and abbreviations: TP.HCM, tp Can Tho, Thừa Thiên Huế, Đắc Lắk, BR-VT', async () => {
    expect(await find('TP.HCM', { asOf: after })).toMatchObject({ ok: true, matchedBy: 'alias', unit: { code: '79', validFrom: '2025-07-01' } });
    expect(await find('TP.HCM', { asOf: before })).toMatchObject({ ok: true, matchedBy: 'alias', unit: { code: '79', validTo: '2025-06-30' } });
    expect(await find('tp Can Tho', { asOf: before })).toMatchObject({ ok: true, matchedBy: 'ascii', unit: { code: '92', name: 'Thành phố Cần Thơ', validTo: '2025-06-30' } });
    expect(unitOf(await find('tp Can Tho', { asOf: after }))).toBe('province 92 Thành phố Cần Thơ');
    expect(unitOf(await find('Thừa Thiên Huế', { asOf: before }))).toBe('province 46 Thành phố Huế');
    expect(unitOf(await find('Đắc Lắk', { asOf: after }))).toBe('province 66 Tỉnh Đắk Lắk');
    expect(unitOf(await find('BR-VT', { asOf: before }))).toBe('province 77 Tỉnh Bà Rịa - Vũng Tàu');
    expect(await find('BR-VT', { asOf: after })).toMatchObject({ ok: true, resolution: 'succession', unit: { code: '79', validTo: null }, via: { code: '77' } });
  });

  it('English names of the GSO catalogue resolve; "Quan" in "Quan Bau Ward" is not the prefix Quận', async () => {
    expect(await find('Vinh Phuc Commune', { asOf: before, within: 'Hà Nội' })).toMatchObject({ ok: true, unit: { code: '00006', name: 'Phường Vĩnh Phúc' } });
    expect(await find('Quan Bau Ward', { asOf: before })).toMatchObject({ ok: true, unit: { code: '16670', name: 'Phường Quán Bàu' } });
  });

  it('an ambiguous commune name lists its candidates; within narrows it to one', async () => {
    const r = await find('Xã An Phú', { asOf: after });
    expect(r).toMatchObject({ ok: false, code: 'UNIT_AMBIGUOUS' });
    if (r.ok) return;
    expect(r.candidates.map((c) => c.code)).toEqual(['10645', '21034', '30337']);
    expect(r.candidates.every((c) => c.level === 'commune' && c.validFrom === '2025-07-01')).toBe(true);
    expect(r.reason).toMatch(/'Xã An Phú' names 3 communes on 2025-08-01: 10645 Xã An Phú \(Thành phố Hải Phòng\)/);

    const all = await find('An Phú', { asOf: after, level: 'commune' });
    expect(all.ok ? [] : all.candidates.map((c) => c.code)).toEqual(['10645', '21034', '23602', '25975', '30337']);

    expect(await find('An Phú', { asOf: after, within: 'TP.HCM' })).toMatchObject({ ok: true, unit: { code: '25975', parentCode: '79' } });
    expect(await find('Xã An Phú', { asOf: after, within: '91' })).toMatchObject({ ok: true, unit: { code: '30337', name: 'Xã An Phú' } });
    expect(await find('Phường Hoàn Kiếm', { asOf: after, within: 'Hà Nội', level: 'commune' })).toMatchObject({ ok: true, unit: { code: '00070', name: 'Phường Hoàn Kiếm' } });
  });

  it('within is resolved as of the same date, and a unit outside it is not found', async () => {
    const r = await find('00004', { asOf: after, within: 'An Giang' });
    expect(r).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
    // A legacy province named as `within` is its successor on the day, as any legacy name.
    expect(await find('Xã An Phú', { asOf: after, within: 'Kiên Giang' })).toMatchObject({ ok: true, unit: { code: '30337' } });
    const w = await find('An Phú', { asOf: after, within: 'Atlantis' });
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.reason).toMatch(/^within 'Atlantis': no province named 'Atlantis'/);
  });

  it('prefers the province when a province and communes share the name; a prefix picks the commune', async () => {
    expect(unitOf(await find('Lào Cai', { asOf: after }))).toBe('province 15 Tỉnh Lào Cai');
    expect(unitOf(await find('Phường Lào Cai', { asOf: after }))).toBe('commune 02647 Phường Lào Cai');
    expect(unitOf(await find('Lào Cai', { asOf: after, level: 'commune' }))).toBe('commune 02647 Phường Lào Cai');
    expect(unitOf(await find('Hoà Bình', { asOf: before }))).toBe('province 17 Tỉnh Hòa Bình');
  });

  it('a legacy name of a province and of communes is the province first', async () => {
    expect(await find('Kien Giang', { asOf: after })).toMatchObject({ ok: true, resolution: 'succession', unit: { code: '91', level: 'province' }, via: { code: '91', level: 'province' } });
  });

  it('a name that never existed, a district and a malformed code are not found, with a reason', async () => {
    const none = await find('Atlantis', { asOf: after });
    expect(none).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND', candidates: [] });
    expect(await find('Quận 1', { asOf: before })).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND', reason: expect.stringMatching(/district/) as unknown });
    expect(await find('123', { asOf: after })).toMatchObject({ ok: false, reason: expect.stringMatching(/2 digits/) as unknown });
    expect(await find('91', { asOf: after, level: 'commune' })).toMatchObject({ ok: false, code: 'UNIT_NOT_FOUND' });
  });

  it('requireUnit throws UnitResolutionError with the explanation; a bad date is refused', async () => {
    await expect(requireUnit(t.db, 'An Giang', { asOf: after })).resolves.toMatchObject({ code: '91', level: 'province' });
    const err = await requireUnit(t.db, '89', { asOf: after }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnitResolutionError);
    expect(err).toMatchObject({ code: 'UNIT_NOT_FOUND', message: expect.stringMatching(/part of 91 Tỉnh An Giang/) as unknown });
    await expect(requireUnit(t.db, 'Xã An Phú', { asOf: after })).rejects.toMatchObject({ code: 'UNIT_AMBIGUOUS' });
    await expect(resolveUnit(t.db, '91', { asOf: '2025-02-30' })).rejects.toBeInstanceOf(InvalidDateError);
  });
});
