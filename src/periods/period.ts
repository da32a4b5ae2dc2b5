import { InvalidPeriodError } from '../errors.js';
import type { PeriodKind } from '../warehouse/schema.js';

/** A reporting period: a year `2025`, a quarter `2025-Q1` or a month `2025-03`. */
export interface Period {
  readonly code: string;
  readonly kind: PeriodKind;
  readonly year: number;
  /** 1..4 for quarters, the month's quarter for months. */
  readonly quarter?: number;
  /** 1..12, months only. */
  readonly month?: number;
}

/** A period code: YYYY, YYYY-Qn or YYYY-MM. */
export const periodPattern = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

/**
 * The years a period may have: the records and targets lie well within, and outside it dates misbehave (year 0000
 * does not exist; JavaScript maps years 0..99 to 1900..1999).
 */
export const periodYears = { min: 1900, max: 2100 } as const;

/** Whether a year lies in `periodYears`. */
export function isPeriodYear(y: number): boolean {
  return Number.isInteger(y) && y >= periodYears.min && y <= periodYears.max;
}

export function parsePeriod(input: string): Period {
  const m = periodPattern.exec(input.trim());
  if (!m) throw new InvalidPeriodError(input);
  const year = Number(m[1]);
  if (!isPeriodYear(year)) throw new InvalidPeriodError(input);
  if (m[2] !== undefined) return { code: `${year}-Q${m[2]}`, kind: 'quarter', year, quarter: Number(m[2]) };
  if (m[3] !== undefined) {
    const month = Number(m[3]);
    return { code: `${year}-${m[3]}`, kind: 'month', year, quarter: Math.ceil(month / 3), month };
  }
  return { code: String(year), kind: 'year', year };
}

export function isPeriod(input: string): boolean {
  const m = periodPattern.exec(input.trim());
  return m !== null && isPeriodYear(Number(m[1]));
}

const pad = (n: number) => String(n).padStart(2, '0');

export function year(y: number): Period {
  return parsePeriod(String(y));
}

/** First day, ISO date. */
export function startsOn(p: Period): string {
  if (p.kind === 'year') return `${p.year}-01-01`;
  const firstMonth = p.kind === 'month' ? (p.month ?? 1) : ((p.quarter ?? 1) - 1) * 3 + 1;
  return `${p.year}-${pad(firstMonth)}-01`;
}

/** Last day, ISO date (inclusive). */
export function endsOn(p: Period): string {
  const lastMonth = p.kind === 'year' ? 12 : p.kind === 'quarter' ? (p.quarter ?? 1) * 3 : (p.month ?? 1);
  const lastDay = new Date(Date.UTC(p.year, lastMonth, 0)).getUTCDate();
  return `${p.year}-${pad(lastMonth)}-${pad(lastDay)}`;
}

/** The period one level up: a month's quarter, a quarter's year; null for a year. */
export function parentOf(p: Period): Period | null {
  if (p.kind === 'year') return null;
  if (p.kind === 'quarter') return year(p.year);
  return parsePeriod(`${p.year}-Q${p.quarter ?? 1}`);
}

/** The periods one level down: a year's four quarters, a quarter's three months; none for a month. */
export function childrenOf(p: Period): Period[] {
  if (p.kind === 'year') return [1, 2, 3, 4].map((q) => parsePeriod(`${p.year}-Q${q}`));
  if (p.kind === 'quarter') {
    const first = ((p.quarter ?? 1) - 1) * 3 + 1;
    return [first, first + 1, first + 2].map((m) => parsePeriod(`${p.year}-${pad(m)}`));
  }
  return [];
}

/** True when `inner` lies within `outer` (a period contains itself). */
export function contains(outer: Period, inner: Period): boolean {
  return startsOn(outer) <= startsOn(inner) && endsOn(inner) <= endsOn(outer);
}

/** The same period one year earlier (2025-Q3 -> 2024-Q3). */
export function previousYear(p: Period): Period {
  return parsePeriod(`${p.year - 1}${p.code.slice(4)}`);
}

/** `p` and every period above it, as rows for the period table. */
export function withAncestors(p: Period): Period[] {
  const chain: Period[] = [];
  for (let cur: Period | null = p; cur; cur = parentOf(cur)) chain.push(cur);
  return chain;
}
