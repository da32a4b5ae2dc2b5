import { isIsoDate } from '../../src/dates.js';

export type DateField = { readonly ok: true; readonly date: string } | { readonly ok: false; readonly problem: 'missing' | 'invalid' };

/**
 * A calendar day from a date element: `2024-03-15`, or a date-time whose written day is taken as it is
 * (`2024-03-15T00:00:00+07:00` is 15 March in Việt Nam, whatever UTC says).
 */
export function dateField(value: string | undefined): DateField {
  if (value === undefined) return { ok: false, problem: 'missing' };
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  const day = match?.[1];
  return day !== undefined && isIsoDate(day) ? { ok: true, date: day } : { ok: false, problem: 'invalid' };
}
