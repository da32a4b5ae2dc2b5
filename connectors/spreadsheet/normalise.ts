import { z } from 'zod';
import type { NormaliseResult, SourceRecord, UnitReference } from '../../src/connector-sdk/types.js';
import { endsOn, parsePeriod } from '../../src/periods/period.js';
import { cellText, type Cell } from './cells.js';
import { indicatorField, periodField, statusField, unitField, valueField, type FieldError } from './fields.js';

const cell: z.ZodType<Cell> = z.union([
  z.string(), z.number(), z.boolean(), z.null(),
  z.object({ date: z.string() }), z.object({ error: z.string() }), z.object({ formulaWithoutResult: z.string() }),
]);
const rowSchema = z.object({
  kind: z.literal('row'),
  row: z.number().int(),
  cells: z.object({ indicator: cell, unit: cell, period: cell, value: cell, status: cell, source: cell }),
  duplicateOfRow: z.number().int().optional(),
  duplicateUnit: z.object({ earlier: z.string(), code: z.string(), asOf: z.string() }).optional(),
});
const fileSchema = z.object({ kind: z.literal('file'), code: z.string(), reason: z.string() });
const dataSchema = z.discriminatedUnion('kind', [rowSchema, fileSchema]);

const reject = (code: string, reason: string): NormaliseResult => ({ rejected: { code, reason } });
const refused = (f: FieldError, row: number): NormaliseResult => reject(f.code, `row ${row}: ${f.reason}`);

/**
 * One row -> the observation of the indicator for the unit (by code or name, as of the period's last day: legacy
 * codes before 2025-07 are the legacy provinces) in the period, with its exact value and status; or why not.
 * The engine checks the indicator against the catalogue and resolves the unit.
 */
export function normaliseWorkbookRecord(record: SourceRecord): NormaliseResult {
  const data = dataSchema.parse(record.data);
  if (data.kind === 'file') return reject(data.code, data.reason);
  const { row, cells } = data;
  if (data.duplicateOfRow !== undefined) {
    const unit = data.duplicateUnit;
    const why = unit === undefined ? '' : ` (its unit "${unit.earlier}" and this row's "${cellText(cells.unit)}" are both province ${unit.code} on ${unit.asOf})`;
    return reject('DUPLICATE_ROW', `row ${row}: row ${data.duplicateOfRow} already gives this indicator, unit and period${why}; keep one of them (the first is loaded)`);
  }
  const indicator = indicatorField(cells.indicator);
  if (!indicator.ok) return refused(indicator, row);
  const unit = unitField(cells.unit);
  if (!unit.ok) return refused(unit, row);
  const period = periodField(cells.period);
  if (!period.ok) return refused(period, row);
  const value = valueField(cells.value);
  if (!value.ok) return refused(value, row);
  const status = statusField(cells.status);
  if (!status.ok) return refused(status, row);
  const asOf = endsOn(parsePeriod(period.value));
  const ref: UnitReference = 'code' in unit.value ? { code: unit.value.code, asOf } : { name: unit.value.name, asOf };
  return { observations: [{ indicator: indicator.value, unit: ref, period: period.value, value: value.value, status: status.value }] };
}
