import { describe, expect, it } from 'vitest';
import { dec } from '../src/aggregation/index.js';
import { assessTarget } from '../src/targets/assessment.js';

const t = (comparison: string, value: string, valueMax: string | null = null) => ({ comparison, value, valueMax });

describe('target assessment', () => {
  it('compares a value with each kind of target', () => {
    expect(assessTarget(t('gt', '80'), dec('80'))).toBe('not met');
    expect(assessTarget(t('gt', '80'), dec('80.01'))).toBe('met');
    expect(assessTarget(t('gte', '80'), dec('80'))).toBe('met');
    expect(assessTarget(t('lte', '3'), dec('3.5'))).toBe('not met');
    // A rank "in the top 30" means 30 or better (lower).
    expect(assessTarget(t('top', '30'), dec('27'))).toBe('met');
    expect(assessTarget(t('top', '20'), dec('27'))).toBe('not met');
    expect(assessTarget(t('range', '16', '18'), dec('17.2'))).toBe('met');
    expect(assessTarget(t('range', '16', '18'), dec('18.01'))).toBe('not met');
    expect(assessTarget(t('gte', '20'), null)).toBe('no data');
  });
});
