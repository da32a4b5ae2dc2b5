import { InvalidDateError } from './errors.js';

/** Calendar days as 'YYYY-MM-DD' strings: a day has no time zone to shift it. */

/** A real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isIsoDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Returns `text` when it is a date, else throws InvalidDateError. */
export function requireIsoDate(text: string): string {
  if (!isIsoDate(text)) throw new InvalidDateError(text);
  return text;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Today in the local time zone: the operators' calendar day, not UTC's. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
