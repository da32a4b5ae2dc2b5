import { beforeAll, describe, expect, it } from 'vitest';
import { ProvinceNames } from './province-names.js';

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

  it('gives no code where the engine must decide: a province gone by the day, a commune, a district, an unknown name', () => {
    expect(provinces.codeOn('Tỉnh Kiên Giang', '2025-12-31')).toBeUndefined();
    expect(provinces.codeOn('Phường Long Xuyên', '2025-12-31')).toBeUndefined();
    expect(provinces.codeOn('Xã An Giang', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('Huyện Châu Thành', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('Tỉnh Không Có', '2024-12-31')).toBeUndefined();
    expect(provinces.codeOn('', '2024-12-31')).toBeUndefined();
  });
});
