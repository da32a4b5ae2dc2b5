import { describe, expect, it } from 'vitest';
import { formatVietnameseNumber, parseVietnameseNumber } from '../src/numbers/vietnamese-number.js';

describe('Vietnamese numbers', () => {
  it.each([
    ['12.345.678', '12345678'],
    ['45.678.901,25', '45678901.25'],
    ['3.456.789,5', '3456789.5'],
    ['1.234,5', '1234.5'],
    ['1234', '1234'],
    ['0', '0'],
    ['0,50', '0.5'],
    ['0,75', '0.75'],
    ['-0,75', '-0.75'],
    ['  1.000 ', '1000'],
    ['1 234,5', '1234.5'],
    ['1\u00a0234\u00a0567', '1234567'],
    ['1\u202f234', '1234'],
    ['999', '999'],
    ['007', '7'],
    ['1.000,000', '1000'],
    ['-1.234', '-1234'],
    ['\u22125', '-5'],
    ['+12', '12'],
  ])('reads %j as %s', (text, value) => {
    expect(parseVietnameseNumber(text)).toMatchObject({ ok: true, value });
  });

  it.each(['', '   ', 'mười hai', '1.2345', '0.75', '12,345.67', '1.23', '1,2,3', '.123', '1.', ',5', '12e3', '0x10', '--1', '1-', 'NaN', 'Infinity'])('refuses %j', (text) => {
    expect(parseVietnameseNumber(text).ok).toBe(false);
  });

  it('says why it refuses, with the text as written', () => {
    expect(parseVietnameseNumber('0.75')).toEqual({ ok: false, reason: '"0.75" is not a number in the Vietnamese format (12.345.678 or 45.678,25)' });
    expect(parseVietnameseNumber(' ')).toEqual({ ok: false, reason: 'the text is empty' });
  });

  it('knows the sign, and zero has none', () => {
    expect(parseVietnameseNumber('-1.234')).toEqual({ ok: true, value: '-1234', negative: true });
    expect(parseVietnameseNumber('1.234')).toEqual({ ok: true, value: '1234', negative: false });
    for (const zero of ['-0', '-0,000', '\u22120', '+0', '000']) expect(parseVietnameseNumber(zero)).toEqual({ ok: true, value: '0', negative: false });
  });

  it('never goes through a float', () => {
    expect(parseVietnameseNumber('9.007.199.254.740.993,123456789')).toMatchObject({ ok: true, value: '9007199254740993.123456789' });
    expect(parseVietnameseNumber('12.345.678.901.234.567,123456789')).toMatchObject({ ok: true, value: '12345678901234567.123456789' });
  });

  it('writes numbers in the same format, and reads them back', () => {
    expect(formatVietnameseNumber(12345678)).toBe('12.345.678');
    expect(formatVietnameseNumber(45678901.25, 2)).toBe('45.678.901,25');
    expect(formatVietnameseNumber(3456789.5, 2)).toBe('3.456.789,5');
    expect(formatVietnameseNumber(999)).toBe('999');
    expect(formatVietnameseNumber(-1234)).toBe('-1.234');
    expect(formatVietnameseNumber(-0.001)).toBe('0');
    for (const n of [0, 7, 1000, 123456, 98765432.1, -4.5]) expect(parseVietnameseNumber(formatVietnameseNumber(n, 2))).toMatchObject({ ok: true, value: String(n) });
  });
});
