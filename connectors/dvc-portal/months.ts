import { endsOn, parsePeriod } from '../../src/periods/period.js';

/** A report month as the portal writes it. */
export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

const vietnamOffsetMs = 7 * 3600 * 1000;

/**
 * The month of `at` in Vietnam (UTC+7, no daylight saving): a sync at 23:30 UTC on the last day of a month
 * already runs in the next month for the province, so "the month in which the sync runs" is Vietnam's month.
 */
export function monthInVietnam(at: Date): string {
  return new Date(at.getTime() + vietnamOffsetMs).toISOString().slice(0, 7);
}

/** The calendar day of `at` in Vietnam, YYYY-MM-DD. */
export function dayInVietnam(at: Date): string {
  return new Date(at.getTime() + vietnamOffsetMs).toISOString().slice(0, 10);
}

/** Last day of a YYYY-MM month: the day a monthly report's unit codes are valid on. */
export function lastDayOf(month: string): string {
  return endsOn(parsePeriod(month));
}
