import { describe, expect, it } from 'vitest';
import { ProvinceFilter } from './province-filter.js';
import { provincesOption } from './provinces-option.js';
import { inProvince, nowhere, unknownPlace } from './record-place.js';
import { placeOfUnitCode } from './unit-code-place.js';

describe('a connection\'s provinces', () => {
  it('place a unit code in the current province it rolls up to, legacy provinces and communes included', () => {
    expect(placeOfUnitCode('89', '2024-12-31')).toEqual(inProvince('91')); // legacy An Giang
    expect(placeOfUnitCode('91', '2024-12-31')).toEqual(inProvince('91')); // legacy Kiên Giang
    expect(placeOfUnitCode('91', '2025-12-31')).toEqual(inProvince('91'));
    expect(placeOfUnitCode('40', '2025-03-31')).toEqual(inProvince('40'));
    expect(placeOfUnitCode('95')).toEqual(inProvince('96')); // Bạc Liêu, part of Cà Mau
    // 89 names no province in 2026: placed by what it became, so An Giang's connection shows the rejection.
    expect(placeOfUnitCode('89', '2026-01-31')).toEqual(inProvince('91'));
    expect(placeOfUnitCode('30283', '2024-12-31')).toEqual(inProvince('91')); // a ward of legacy An Giang
    expect(placeOfUnitCode('30736')).toEqual(inProvince('91')); // a ward of legacy Kiên Giang
    expect(placeOfUnitCode('16972')).toEqual(inProvince('40'));
    for (const code of ['00', '99', '7', '123', 'VN', '999999']) expect(placeOfUnitCode(code)).toEqual(unknownPlace);
  });

  it('keep their provinces\' records and the unplaceable ones; leave other provinces\' and national ones out', () => {
    const anGiang = ProvinceFilter.of(['91']);
    expect([anGiang.keeps(inProvince('91')), anGiang.keeps(inProvince('40')), anGiang.keeps(nowhere), anGiang.keeps(unknownPlace)]).toEqual([true, false, false, true]);
    const all = ProvinceFilter.of(undefined);
    expect(all.coversAll).toBe(true);
    expect([all.keeps(inProvince('40')), all.keeps(nowhere), all.keeps(unknownPlace)]).toEqual([true, true, true]);
    expect(anGiang.select(['91', '40', '89', '00'], (code) => placeOfUnitCode(code, '2024-06-30'))).toEqual(['91', '89', '00']);
  });

  it('are current province codes: a legacy code says what it became, a wrong one what is expected', () => {
    expect(provincesOption.parse(['91', ' 40', '91'])).toEqual(['91', '40']);
    const legacy = provincesOption.safeParse(['40', '89']);
    expect(legacy.success).toBe(false);
    expect(legacy.error?.issues).toEqual([expect.objectContaining({ path: [1], message: expect.stringMatching(/89 Tỉnh An Giang is a legacy province, part of 91 since 2025-06-30: give 91/) as string })]);
    expect(provincesOption.safeParse(['99']).error?.issues[0]?.message).toMatch(/no province has code 99/);
    expect(provincesOption.safeParse(['1']).error?.issues[0]?.message).toMatch(/two-digit GSO province code/);
    expect(provincesOption.safeParse([]).error?.issues[0]?.message).toMatch(/at least one province/);
  });
});
