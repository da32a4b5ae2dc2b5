import { beforeAll, describe, expect, it } from 'vitest';
import { ProvinceNames } from './province-names.js';
import { inProvince, nowhere, unknownPlace } from './record-place.js';

describe('province names in workbooks, as of a day', () => {
  let provinces: ProvinceNames;
  beforeAll(async () => {
    provinces = await ProvinceNames.load();
  });

  it('reads a province name as the code it has on the day: with or without prefix, diacritics, NFD or aliases', () => {
    expect(provinces.codeOn('Tỉnh An Giang', '2024-12-31')).toBe('89');
    expect(provinces.codeOn('Tỉnh An Giang', '2025-12-31')).toBe('91');
    expect(provinces.codeOn('  tinh   an giang ', '2025-12-31')).toBe('91');
    expect(provinces.codeOn('AN GIANG'.normalize('NFD'), '2025-07-01')).toBe('91');
    expect(provinces.codeOn('Tỉnh Kiên Giang', '2024-12-31')).toBe('91');
    expect(provinces.codeOn('TP.HCM', '2024-12-31')).toBe('79');
    expect(provinces.codeOn('Thành phố Hồ Chí Minh', '2025-12-31')).toBe('79');
    expect(provinces.codeOn('Nghệ An', '2025-03-31')).toBe('40');
  });

  it('reads a province merged before the day as its successor, as the engine does', () => {
    expect(provinces.codeOn('Tỉnh Kiên Giang', '2025-12-31')).toBe('91');
    expect(provinces.codeOn('Bình Dương', '2026-01-01')).toBe('79');
    expect(provinces.codeOn('TP Long Xuyên - An Giang', '2024-01-01')).toBe('89');
  });

  it('gives no code where the engine must decide: a commune, a district, an unknown or ambiguous name', () => {
    expect(provinces.codeOn('QN', '2025-12-31')).toBeUndefined();
    expect(provinces.codeOn('Phường Long Xuyên', '2025-12-31')).toBeUndefined();
    expect(provinces.codeOn('Xã An Giang', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('Huyện Châu Thành', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('Tỉnh Không Có', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('', '2024-12-31')).toBeUndefined();
  });
});

describe('where a record named by province name or address goes', () => {
  let provinces: ProvinceNames;
  beforeAll(async () => {
    provinces = await ProvinceNames.load();
  });

  it('places a name in the current province it rolls up to; the country nowhere; a commune it cannot tell', () => {
    expect(provinces.placeOfName('Tỉnh An Giang', '2024-12-31')).toEqual(inProvince('91'));
    expect(provinces.placeOfName('Kiên Giang', '2024-12-31')).toEqual(inProvince('91'));
    expect(provinces.placeOfName('Tỉnh Kiên Giang', '2026-12-31')).toEqual(inProvince('91')); // merged by then: its successor
    expect(provinces.placeOfName('TP.HCM', undefined)).toEqual(inProvince('79'));
    expect(provinces.placeOfName('Việt Nam', '2025-12-31')).toEqual(nowhere);
    expect(provinces.placeOfName('VN', '2025-12-31')).toEqual(nowhere);
    expect(provinces.placeOfName('Phường Long Xuyên', '2025-12-31')).toEqual(unknownPlace);
    expect(provinces.placeOfName('Tỉnh Không Có', '2025-12-31')).toEqual(unknownPlace);
  });

  it('reads an address from the end, as the engine does, legacy names included', () => {
    expect(provinces.placeOfAddress('18 Ung Văn Khiêm, phường Đông Xuyên, thành phố Long Xuyên, tỉnh An Giang', '2024-03-15')).toEqual(inProvince('91'));
    expect(provinces.placeOfAddress('khu pho 1, thi tran Duong Dong, huyen Phu Quoc, tinh Kien Giang', '2024-03-15')).toEqual(inProvince('91'));
    expect(provinces.placeOfAddress('xã Bình An, huyện Châu Thành, Kiên Giang, Việt Nam'.normalize('NFD'), '2024-03-15')).toEqual(inProvince('91'));
    expect(provinces.placeOfAddress('Số 182 Lê Duẩn, phường Trường Vinh, tỉnh Nghệ An', '2025-08-01')).toEqual(inProvince('40'));
    expect(provinces.placeOfAddress('227 Nguyen Van Cu, Phuong 4, Quan 5, TP.HCM, Viet Nam', '2024-01-01')).toEqual(inProvince('79'));
    expect(provinces.placeOfAddress('phuong Soc Trang, tp Can Tho', '2025-09-09')).toEqual(inProvince('92'));
    // A legacy name after the reform resolves to its successor, here and in the engine.
    expect(provinces.placeOfAddress('Rạch Giá, Kiên Giang', '2026-01-01')).toEqual(inProvince('91'));
    expect(provinces.placeOfAddress('phường Long Xuyên, tỉnh An Giang', undefined)).toEqual(inProvince('91'));
    expect(provinces.placeOfAddress('1 Main Street, Springfield', '2024-04-02')).toEqual(unknownPlace);
  });
});
