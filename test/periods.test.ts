import { describe, expect, it } from 'vitest';
import { InvalidPeriodError } from '../src/errors.js';
import { childrenOf, contains, endsOn, parentOf, parsePeriod, previousYear, startsOn, withAncestors } from '../src/periods/period.js';

const p = parsePeriod;

describe('periods', () => {
  it('parses years, quarters and months into ISO codes', () => {
    expect(p('2025')).toEqual({ code: '2025', kind: 'year', year: 2025 });
    expect(p('2025-Q1')).toEqual({ code: '2025-Q1', kind: 'quarter', year: 2025, quarter: 1 });
    expect(p(' 2025-03 ')).toEqual({ code: '2025-03', kind: 'month', year: 2025, quarter: 1, month: 3 });
  });

  it.each(['2025-13', '2025-Q5', '25', '2025-3', '2025/03', 'Q1-2025', ''])('rejects %j with a clear error', (bad) => {
    expect(() => p(bad)).toThrow(InvalidPeriodError);
    expect(() => p(bad)).toThrow(/use a year \(2025\), a quarter \(2025-Q1\) or a month \(2025-03\)/);
  });

  it('knows first and last days, leap years included', () => {
    expect([startsOn(p('2024-02')), endsOn(p('2024-02'))]).toEqual(['2024-02-01', '2024-02-29']);
    expect([startsOn(p('2025-02')), endsOn(p('2025-02'))]).toEqual(['2025-02-01', '2025-02-28']);
    expect([startsOn(p('2025-Q3')), endsOn(p('2025-Q3'))]).toEqual(['2025-07-01', '2025-09-30']);
    expect([startsOn(p('2025')), endsOn(p('2025'))]).toEqual(['2025-01-01', '2025-12-31']);
  });

  it('a month is in its quarter and its year, and in no other', () => {
    expect(contains(p('2025-Q1'), p('2025-03'))).toBe(true);
    expect(contains(p('2025'), p('2025-03'))).toBe(true);
    expect(contains(p('2025'), p('2025-Q4'))).toBe(true);
    expect(contains(p('2025-Q2'), p('2025-03'))).toBe(false);
    expect(contains(p('2024'), p('2025-03'))).toBe(false);
    expect(contains(p('2025-03'), p('2025-Q1'))).toBe(false);
    expect(contains(p('2025-03'), p('2025-03'))).toBe(true);
  });

  it('walks up and down the hierarchy', () => {
    expect(parentOf(p('2025-11'))?.code).toBe('2025-Q4');
    expect(parentOf(p('2025-Q4'))?.code).toBe('2025');
    expect(parentOf(p('2025'))).toBeNull();
    expect(childrenOf(p('2025')).map((c) => c.code)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(childrenOf(p('2025-Q3')).map((c) => c.code)).toEqual(['2025-07', '2025-08', '2025-09']);
    expect(childrenOf(p('2025-07'))).toEqual([]);
    expect(withAncestors(p('2025-07')).map((c) => c.code)).toEqual(['2025-07', '2025-Q3', '2025']);
    expect(previousYear(p('2025-Q3')).code).toBe('2024-Q3');
    expect(previousYear(p('2025')).code).toBe('2024');
  });
});
