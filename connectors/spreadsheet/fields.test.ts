import { describe, expect, it } from 'vitest';
import { periodField, statusField, unitField, valueField } from './fields.js';

const value = <T>(f: { ok: true; value: T } | { ok: false; code: string }) => (f.ok ? f.value : f.code);

describe('spreadsheet fields', () => {
  it('reads periods as departments write them, and refuses month 13', () => {
    expect(['2024', 2024, '2024-Q3', '2024-q3', ' 2024 - Q3 ', 'Quý 3/2024', '2024-09', '2024-9', '09/2024', { date: '2024-09-01' }].map((c) => value(periodField(c)))).toEqual(
      ['2024', '2024', '2024-Q3', '2024-Q3', '2024-Q3', '2024-Q3', '2024-09', '2024-09', '2024-09', '2024-09'],
    );
    expect(value(periodField('2024-13'))).toBe('PERIOD_INVALID');
    expect(value(periodField(null))).toBe('MISSING_FIELD');
  });

  it('reads codes typed as numbers (leading zeros restored) and names', () => {
    expect([40, '40', 1, '1', 123, '00123', 'Tỉnh An Giang'].map((c) => value(unitField(c)))).toEqual([
      { code: '40' }, { code: '40' }, { code: '01' }, { code: '01' }, { code: '00123' }, { code: '00123' }, { name: 'Tỉnh An Giang' },
    ]);
    expect(value(unitField(40.5))).toBe('UNIT_CODE_INVALID');
  });

  it('maps statuses with or without diacritics; empty is final', () => {
    expect(['Chính thức', 'chinh thuc', 'SƠ BỘ'.normalize('NFD'), 'So bo', 'Ước tính', 'uoc tinh', null].map((c) => value(statusField(c)))).toEqual(
      ['final', 'final', 'provisional', 'provisional', 'estimated', 'estimated', 'final'],
    );
    expect(value(statusField('Tạm tính'))).toBe('STATUS_INVALID');
  });

  it('reads numbers exactly: number cells without float noise, Vietnamese text, never a guessed dot', () => {
    expect([1234, 0.1 + 0.2, 0.712, '1.234,5', '3.470.988', '0,75', '-1,5', '1 234,5', '1234'].map((c) => value(valueField(c)))).toEqual(
      ['1234', '0.3', '0.712', '1234.5', '3470988', '0.75', '-1.5', '1234.5', '1234'],
    );
    expect(['mười', '0.75', '1.2345', true, { error: '#DIV/0!' }, { formulaWithoutResult: 'A1+1' }].map((c) => value(valueField(c)))).toEqual(
      ['VALUE_NOT_A_NUMBER', 'VALUE_NOT_A_NUMBER', 'VALUE_NOT_A_NUMBER', 'VALUE_NOT_A_NUMBER', 'CELL_ERROR', 'FORMULA_NOT_COMPUTED'],
    );
    expect(valueField('12.345.678.901.234.567,123456789')).toEqual({ ok: true, value: '12345678901234567.123456789' });
    expect(valueField('0.75')).toMatchObject({ reason: 'Giá trị: "0.75" is not a number in the Vietnamese format (12.345.678 or 45.678,25); or type it as a number cell' });
  });
});
