import { endsOn, parsePeriod } from '../../src/periods/period.js';
import type { ProvinceNames } from '../provinces/province-names.js';
import { unknownPlace, type RecordPlace } from '../provinces/record-place.js';
import { placeOfUnitCode } from '../provinces/unit-code-place.js';
import type { Cell } from './cells.js';
import { periodField, unitField } from './fields.js';
import type { Column } from './template/layout.js';

/**
 * Which current province a row is about: its `Mã đơn vị hành chính` (a province or commune code, or a province
 * name) read as of the period's last day, legacy units included. Nowhere for the country ("VN", "Việt Nam"): a
 * national figure belongs to no province's connection. Unknown when the unit cannot be read or is a commune written
 * by name: the row is kept, and the engine resolves or rejects it.
 */
export function placeOfRow(cells: Readonly<Record<Column, Cell>>, names: ProvinceNames): RecordPlace {
  const unit = unitField(cells.unit);
  if (!unit.ok) return unknownPlace;
  const period = periodField(cells.period);
  const day = period.ok ? endsOn(parsePeriod(period.value)) : undefined;
  return 'code' in unit.value ? placeOfUnitCode(unit.value.code, day) : names.placeOfName(unit.value.name, day);
}
