import { z } from 'zod';
import { dec } from '../../src/aggregation/index.js';
import type { NormaliseResult, SourceRecord, UnitReference } from '../../src/connector-sdk/types.js';
import { indicators } from './config.js';
import { lastLegacyDay, reformDay } from './provinces.js';
import { observationStatus } from './status.js';
import { yearOf } from './text.js';

const cellSchema = z.object({
  table: z.string(),
  indicator: z.enum(indicators),
  codes: z.enum(['legacy', 'current']),
  province: z.string(),
  year: z.string(),
  ambiguous: z.array(z.string()).optional(),
  value: z.union([z.number(), z.string(), z.null()]),
  status: z.string().nullable(),
  multiplier: z.number().positive().default(1),
});

/** Symbols PX tables put where there is no figure (".." not available, "…", "-" nothing reported). */
const noFigure = new Set(['', '.', '..', '...', '....', '…', ':', '-', '–', 'x']);

const reject = (code: string, reason: string): NormaliseResult => ({ rejected: { code, reason } });

/**
 * The unit a cell's province code names, on the year's last day. A code is read on a day it was valid: a legacy
 * code in a 2025 cell (a table published before the reform) as of 2025-06-30, then followed to its successor;
 * a current code in a pre-reform year as of 2025-07-01 (the engine says it has no predecessor's value).
 */
export function cellUnit(code: string, year: number, codes: 'legacy' | 'current'): UnitReference {
  const asOf = `${year}-12-31`;
  const writtenOn = codes === 'legacy' && asOf > lastLegacyDay ? lastLegacyDay : codes === 'current' && asOf < reformDay ? reformDay : undefined;
  return { code, level: 'province', asOf, ...(writtenOn !== undefined ? { writtenOn } : {}) };
}

/** The cell's value as exact decimal text, or why it is not a number; undefined when the cell has no figure. */
export function cellValue(value: number | string | null): { ok: true; text: string } | { ok: false; reason: string } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, text: dec(value).toFixed() } : { ok: false, reason: `${value} is not a finite number` };
  const t = value.normalize('NFC').trim();
  if (noFigure.has(t)) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(t)) return { ok: true, text: dec(t).toFixed() };
  return { ok: false, reason: `"${value}" is text, not a number` };
}

/** One cell -> one observation of its indicator for the province and year, nothing (no figure), or why not. */
export function normaliseCell(record: SourceRecord): NormaliseResult {
  const cell = cellSchema.parse(record.data);
  const where = `${cell.table}, province ${cell.province}, ${cell.year}`;
  if (cell.ambiguous) return reject('CONTENT_AMBIGUOUS', `${where}: the table has several ${cell.ambiguous.join(', ')} values; set contentFilter to pick the figure to load`);
  const year = yearOf(cell.year);
  if (year === undefined) return reject('PERIOD_INVALID', `${where}: the time value "${cell.year}" names no year`);
  const value = cellValue(cell.value);
  if (value === undefined) return { observations: [] };
  if (!value.ok) return reject('NOT_A_NUMBER', `${where}: ${value.reason}`);
  const scaled = dec(value.text).times(cell.multiplier);
  if (scaled.isNegative() && !scaled.isZero()) return reject('NEGATIVE_VALUE', `${where}: ${cell.indicator} cannot be negative (${value.text})`);
  if (cell.indicator === 'DIGITAL_ECONOMY_SHARE' && scaled.greaterThan(100)) return reject('OUT_OF_RANGE', `${where}: a share of GRDP above 100% (${value.text})`);
  return {
    observations: [{ indicator: cell.indicator, unit: cellUnit(cell.province, year, cell.codes), period: String(year), value: scaled.toFixed(), status: observationStatus(cell.status) }],
  };
}
