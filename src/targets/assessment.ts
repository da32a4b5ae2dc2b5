import type { Decimal } from 'decimal.js';
import { dec } from '../aggregation/index.js';

export type TargetStatus = 'met' | 'not met' | 'no data';

export interface TargetRule {
  readonly comparison: string;
  readonly value: string;
  readonly valueMax: string | null;
}

/** Whether a value satisfies a target: "> 80", ">= 3", "top 30" (a rank of 30 or better), "16..18". */
export function assessTarget(target: TargetRule, value: Decimal | null): TargetStatus {
  if (value === null) return 'no data';
  const t = dec(target.value);
  const ok = (() => {
    switch (target.comparison) {
      case 'gt':
        return value.greaterThan(t);
      case 'gte':
        return value.greaterThanOrEqualTo(t);
      case 'lt':
        return value.lessThan(t);
      case 'lte':
      case 'top':
        return value.lessThanOrEqualTo(t);
      case 'eq':
        return value.equals(t);
      case 'range':
        return value.greaterThanOrEqualTo(t) && value.lessThanOrEqualTo(dec(target.valueMax ?? target.value));
      default:
        return false;
    }
  })();
  return ok ? 'met' : 'not met';
}
