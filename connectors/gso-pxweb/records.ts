import type { Json, Page, SourceRecord } from '../../src/connector-sdk/types.js';
import type { TableConfig } from './config.js';
import type { Dimension, JsonStatCube } from './json-stat.js';
import type { TablePlan } from './plan.js';
import { provinceCodeOf, sameText } from './text.js';

/** One cell of a table as landed: where it sits and what the source sent, flags included. */
export interface CellData {
  readonly database: string;
  readonly table: string;
  readonly indicator: TableConfig['indicator'];
  /** Whether the table's province codes are the legacy (63) or the current (34) ones. */
  readonly codes: 'legacy' | 'current';
  readonly province: string;
  readonly provinceText: string;
  readonly year: string;
  /** Codes of the other dimensions (content, measure). */
  readonly content: Readonly<Record<string, string>>;
  /** Other dimensions that still have several categories: the cell is one of several figures. */
  readonly ambiguous?: readonly string[];
  readonly value: number | string | null;
  readonly status: string | null;
  readonly multiplier: number;
}

/** The cursor: the years read of each table (re-reading is cheap: the engine skips unchanged cells). */
export type TablesCursor = Readonly<Record<string, readonly string[]>>;

function dimensionFor(cube: JsonStatCube, code: string, text: string, role: string): Dimension | undefined {
  const roleIds = cube.roles[role] ?? [];
  return cube.dimensions.find((d) => d.id === code) ?? cube.dimensions.find((d) => sameText(d.id, code) || (text !== '' && sameText(d.label, text))) ?? cube.dimensions.find((d) => roleIds.includes(d.id));
}

export function tableLabel(database: string, table: TableConfig, defaultDatabase: string): string {
  return database === defaultDatabase ? table.table : `${database}/${table.table}`;
}

/**
 * One record per cell of the answer, keyed `${table}|${province}|${year}[|content]`. Only provinces the query asked
 * for: a server that answers more than its selection must not land other provinces in this connection.
 */
export function tablePage(input: { database: string; label: string; table: TableConfig; plan: TablePlan; cube: JsonStatCube; cursor: TablesCursor }): Page {
  const { cube, plan, table } = input;
  const province = dimensionFor(cube, plan.province.code, plan.province.text, 'geo');
  const time = dimensionFor(cube, plan.time.code, plan.time.text, 'time');
  if (!province || !time) throw new Error(`the answer for ${input.label} has no ${province ? 'time' : 'province'} dimension (${cube.dimensions.map((d) => d.id).join(', ')})`);
  const others = cube.dimensions.filter((d) => d !== province && d !== time);
  const ambiguous = others.filter((d) => d.categories.length > 1).map((d) => d.id);
  const provinceLabels = new Map(province.categories.map((c) => [c.code, c.label]));
  const asked = new Set(plan.provinces.map(provinceCodeOf));
  const records: SourceRecord[] = [];
  for (const cell of cube.cells) {
    const listed = cell.codes[province.id] ?? '';
    const code = provinceCodeOf(listed);
    if (code === undefined || !asked.has(code)) continue; // a total or region row, or a province not asked for
    const year = cell.codes[time.id] ?? '';
    const content = Object.fromEntries(others.map((d) => [d.id, cell.codes[d.id] ?? '']));
    const contentKey = plan.content ? [content[plan.content.variable.code] ?? plan.content.value] : [];
    const key = [input.label, code, year, ...contentKey, ...ambiguous.map((id) => `${id}=${content[id] ?? ''}`)].join('|');
    const data: CellData = {
      database: input.database, table: table.table, indicator: table.indicator, codes: plan.codes, province: code, provinceText: provinceLabels.get(listed) ?? listed, year, content,
      ...(ambiguous.length > 0 ? { ambiguous } : {}),
      value: cell.value, status: cell.status, multiplier: table.multiplier,
    };
    records.push({ key, data: data as unknown as Json, location: { table: input.label, position: cell.position } });
  }
  const cursor: TablesCursor = { ...input.cursor, [input.label]: [...plan.years] };
  return { records, cursor: cursor as Json };
}
