import { endsOn, parsePeriod } from '../../src/periods/period.js';
import { cellText, type Cell } from './cells.js';
import { indicatorField, periodField, unitField } from './fields.js';
import type { ProvinceNames } from '../provinces/province-names.js';
import type { Column } from './template/layout.js';
import { foldText } from './text.js';

/** What a row's figure is about, when its indicator, unit and period can be read. */
export interface Figure {
  /** `${indicator}|${unit}|${period}`: the unit as its code, a province name as the code it has on the period's last day. */
  readonly key: string;
  /** The unit as the row writes it. */
  readonly unitText: string;
  /** The province a name was read as, on the period's last day. */
  readonly province?: { readonly code: string; readonly asOf: string };
}

/**
 * The figure of a row, keyed by the unit it means: "Tỉnh An Giang" for 2025 is keyed 91 like the code, so writing a
 * unit both ways in one workbook is one figure, not two that the engine would add up. A name that is no province
 * (a commune, a typo) is keyed by its folded text ("name:phuong long xuyen"); the engine resolves or rejects it.
 */
export function figureOf(cells: Readonly<Record<Column, Cell>>, provinces: ProvinceNames): Figure | undefined {
  const indicator = indicatorField(cells.indicator);
  const unit = unitField(cells.unit);
  const period = periodField(cells.period);
  if (!indicator.ok || !unit.ok || !period.ok) return undefined;
  const key = (u: string) => `${indicator.value}|${u}|${period.value}`;
  const unitText = cellText(cells.unit);
  if ('code' in unit.value) return { key: key(unit.value.code), unitText };
  const asOf = endsOn(parsePeriod(period.value));
  const code = provinces.codeOn(unit.value.name, asOf);
  return code === undefined ? { key: key(`name:${foldText(unit.value.name)}`), unitText } : { key: key(code), unitText, province: { code, asOf } };
}

/** Why two rows with different unit texts are one figure, for the steward. */
export function sameUnit(earlier: Figure, later: Figure): DuplicateUnit | undefined {
  const province = later.province ?? earlier.province;
  if (province === undefined || earlier.unitText === later.unitText) return undefined;
  return { earlier: earlier.unitText, ...province };
}

/** Two rows that write one unit differently: the earlier row's text, and the province both name on the day. */
export interface DuplicateUnit {
  readonly earlier: string;
  readonly code: string;
  readonly asOf: string;
}
