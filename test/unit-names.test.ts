import { describe, expect, it } from 'vitest';
import { cleanName, foldDiacritics, nameKeys, normaliseName } from '../src/units/names.js';

describe('unit name keys', () => {
  it('NFC and NFD input give the same keys', () => {
    const nfc = 'Tỉnh Kiên Giang'.normalize('NFC');
    const nfd = 'Tỉnh Kiên Giang'.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(nameKeys(nfd)).toEqual(nameKeys(nfc));
    expect(nameKeys(nfc)).toEqual({ exactKey: 'kiên giang', asciiKey: 'kien giang' });
  });

  it('with or without diacritics: the ascii key matches, the exact key does not', () => {
    const a = nameKeys('Cần Thơ');
    const b = nameKeys('Can Tho');
    expect(a.exactKey).toBe('cần thơ');
    expect(b.exactKey).toBe('can tho');
    expect(a.asciiKey).toBe(b.asciiKey);
    expect(nameKeys('Đắk Lắk').asciiKey).toBe('dak lak');
    // Old and new tone placement differ exactly and agree in ascii.
    expect(nameKeys('Hoà Bình').exactKey).not.toBe(nameKeys('Hòa Bình').exactKey);
    expect(nameKeys('Hoà Bình').asciiKey).toBe(nameKeys('Hòa Bình').asciiKey);
  });

  it.each([
    ['Tỉnh An Giang', 'an giang'],
    ['tỉnh an giang', 'an giang'],
    ['TINH AN GIANG', 'an giang'],
    ['Thành phố Cần Thơ', 'cần thơ'],
    ['thanh pho Can Tho', 'can tho'],
    ['TP. Cần Thơ', 'cần thơ'],
    ['TP Cần Thơ', 'cần thơ'],
    ['tp Can Tho', 'can tho'],
    ['Tp.Cần Thơ', 'cần thơ'],
    ['Thủ đô Hà Nội', 'hà nội'],
    ['Xã An Phú', 'an phú'],
    ['Phường Ba Đình', 'ba đình'],
    ['Đặc khu Côn Đảo', 'côn đảo'],
    ['Thị trấn Trâu Quỳ', 'trâu quỳ'],
    ['Quận Ba Đình', 'ba đình'],
    ['Huyện Gia Lâm', 'gia lâm'],
    ['Thị xã Tịnh Biên', 'tịnh biên'],
  ])('removes the prefix of %s', (input, key) => {
    expect(nameKeys(input).exactKey).toBe(key);
  });

  it('TP.HCM loses its prefix like the other spellings of the alias', () => {
    expect(nameKeys('TP.HCM').exactKey).toBe('hcm');
    expect(nameKeys('TP HCM').exactKey).toBe('hcm');
    expect(nameKeys('TPHCM').exactKey).toBe('tphcm');
    expect(normaliseName('TP.HCM').prefix).toBe('tp');
  });

  it('collapses odd whitespace, embedded newlines included', () => {
    expect(nameKeys('Phường \nHoàn Kiếm')).toEqual({ exactKey: 'hoàn kiếm', asciiKey: 'hoan kiem' });
    expect(nameKeys('  Xã  Vĩnh   Tường \t').exactKey).toBe('vĩnh tường');
    expect(cleanName('Phường \nHoàn Kiếm')).toBe('Phường Hoàn Kiếm');
  });

  it('turns punctuation into spaces and keeps apostrophes of ethnic-minority names', () => {
    expect(nameKeys('Tỉnh Bà Rịa - Vũng Tàu').exactKey).toBe('bà rịa vũng tàu');
    expect(nameKeys('BR-VT').exactKey).toBe('br vt');
    expect(nameKeys('Phường Văn Miếu - Quốc Tử Giám').exactKey).toBe('văn miếu quốc tử giám');
    expect(nameKeys('Xã Ea H’Leo').exactKey).toBe("ea h'leo");
    expect(nameKeys("Xã K' Dang").exactKey).toBe("k'dang");
  });

  it('the "Thành phố" trap: never leaves "phố", and a bare prefix stays as it is', () => {
    expect(nameKeys('Thành phố').exactKey).toBe('thành phố');
    expect(nameKeys('Thành phố Huế').exactKey).toBe('huế');
    expect(nameKeys('Thành phố Hồ Chí Minh').exactKey).toBe('hồ chí minh');
    expect(nameKeys('Xã Thành Công').exactKey).toBe('thành công');
    expect(nameKeys('Tỉnh').exactKey).toBe('tỉnh');
    expect(nameKeys('Phường').exactKey).toBe('phường');
    // Only one prefix is removed: "Phường Thành phố" is not stripped twice.
    expect(nameKeys('Phường Thành phố').exactKey).toBe('thành phố');
  });

  it('a word with other diacritics is not a prefix: Tịnh is not Tỉnh; a bare ascii word may be', () => {
    expect(nameKeys('Tịnh Biên').exactKey).toBe('tịnh biên');
    expect(nameKeys('Xá Lượng').exactKey).toBe('xá lượng');
    expect(nameKeys('Tinh Bien').exactKey).toBe('bien');
    expect(normaliseName('Tinh Bien').unprefixed.exactKey).toBe('tinh bien');
  });

  it('reports the level the prefix implies', () => {
    expect(normaliseName('Xã An Phú').levelHint).toBe('commune');
    expect(normaliseName('Tỉnh An Giang').levelHint).toBe('province');
    expect(normaliseName('Quận 1').levelHint).toBe('district');
    expect(normaliseName('Thành phố Huế').levelHint).toBeNull();
    expect(normaliseName('An Giang').levelHint).toBeNull();
  });

  it('drops the English suffixes of the GSO catalogue', () => {
    expect(nameKeys('Vinh Phuc Commune').exactKey).toBe('vinh phuc');
    expect(nameKeys('Ho Chi Minh City').exactKey).toBe('ho chi minh');
    expect(nameKeys('City').exactKey).toBe('city');
  });

  it('folds diacritics, đ included', () => {
    expect(foldDiacritics('đồng tháp')).toBe('dong thap');
    expect(foldDiacritics('Đà Nẵng')).toBe('Da Nang');
  });
});
