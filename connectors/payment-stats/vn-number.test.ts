import { describe, expect, it } from 'vitest';
import { formatVnNumber, parseVnCount, parseVnNumber } from './vn-number.js';

describe('Vietnamese numbers', () => {
  it.each([
    ['12.345.678', '12345678'],
    ['45.678.901,25', '45678901.25'],
    ['3.456.789,5', '3456789.5'],
    ['1234', '1234'],
    ['0', '0'],
    ['0,50', '0.5'],
    ['  1.000 ', '1000'],
    ['1\u00a0234\u00a0567', '1234567'],
    ['999', '999'],
    ['007', '7'],
    ['1.000,000', '1000'],
    ['-1.234', '-1234'],
    ['\u22125', '-5'],
    ['+12', '12'],
  ])('reads %j as %s', (text, value) => {
    const r = parseVnNumber(text);
    expect(r).toMatchObject({ ok: true, value });
  });

  it.each(['', '   ', 'mười hai', '1.2345', '12,345.67', '1.23', '1,2,3', '.123', '1.', '12e3', '0x10', '--1'])('refuses %j', (text) => {
    expect(parseVnNumber(text).ok).toBe(false);
  });

  it('never goes through a float', () => {
    expect(parseVnNumber('9.007.199.254.740.993,123456789')).toMatchObject({ ok: true, value: '9007199254740993.123456789' });
  });

  it('reads counts: whole, non-negative, present', () => {
    expect(parseVnCount('12.345.678')).toEqual({ ok: true, value: 12345678 });
    expect(parseVnCount('1.234,0')).toEqual({ ok: true, value: 1234 });
    expect(parseVnCount('-0')).toEqual({ ok: true, value: 0 });
    expect(parseVnCount(undefined)).toMatchObject({ ok: false, code: 'MISSING_FIELD' });
    expect(parseVnCount(' ')).toMatchObject({ ok: false, code: 'MISSING_FIELD' });
    expect(parseVnCount('-1.234')).toMatchObject({ ok: false, code: 'NEGATIVE_COUNT' });
    expect(parseVnCount('12,5')).toMatchObject({ ok: false, code: 'NOT_AN_INTEGER' });
    expect(parseVnCount('một nghìn')).toMatchObject({ ok: false, code: 'NOT_A_NUMBER' });
    expect(parseVnCount('99.999.999.999.999.999')).toMatchObject({ ok: false, code: 'NOT_A_NUMBER' });
  });

  it('writes numbers the way the files do, and reads them back', () => {
    expect(formatVnNumber(12345678)).toBe('12.345.678');
    expect(formatVnNumber(45678901.25, 2)).toBe('45.678.901,25');
    expect(formatVnNumber(3456789.5, 2)).toBe('3.456.789,5');
    expect(formatVnNumber(999)).toBe('999');
    expect(formatVnNumber(-1234)).toBe('-1.234');
    for (const n of [0, 7, 1000, 123456, 98765432.1]) expect(parseVnNumber(formatVnNumber(n, 2))).toMatchObject({ ok: true, value: String(n) });
  });
});
