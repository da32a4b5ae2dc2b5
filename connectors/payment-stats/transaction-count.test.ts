import { describe, expect, it } from 'vitest';
import { parseTransactionCount } from './transaction-count.js';

describe('transaction counts', () => {
  it('reads whole, non-negative counts in the Vietnamese format', () => {
    expect(parseTransactionCount('12.345.678')).toEqual({ ok: true, value: 12345678 });
    expect(parseTransactionCount('1.234,0')).toEqual({ ok: true, value: 1234 });
    expect(parseTransactionCount('-0')).toEqual({ ok: true, value: 0 });
  });

  it('refuses a missing, negative, fractional, non-numeric or oversized count with its code', () => {
    expect(parseTransactionCount(undefined)).toMatchObject({ ok: false, code: 'MISSING_FIELD' });
    expect(parseTransactionCount(' ')).toMatchObject({ ok: false, code: 'MISSING_FIELD' });
    expect(parseTransactionCount('-1.234')).toMatchObject({ ok: false, code: 'NEGATIVE_COUNT' });
    expect(parseTransactionCount('12,5')).toMatchObject({ ok: false, code: 'NOT_AN_INTEGER' });
    expect(parseTransactionCount('một nghìn')).toMatchObject({ ok: false, code: 'NOT_A_NUMBER', reason: '"một nghìn" is not a number in the Vietnamese format (12.345.678 or 45.678,25)' });
    expect(parseTransactionCount('1.2345')).toMatchObject({ ok: false, code: 'NOT_A_NUMBER' });
    expect(parseTransactionCount('99.999.999.999.999.999')).toMatchObject({ ok: false, code: 'NOT_A_NUMBER' });
  });
});
