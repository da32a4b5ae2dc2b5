import { readFile } from 'node:fs/promises';
import type { WorkbookLimits } from '../../src/config/env.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import { ProvinceNames } from '../provinces/province-names.js';
import { configSchema } from './config.js';
import { placeOfRow } from './row-place.js';
import { parseWorkbook } from './workbook.js';

/** A workbook's rows that a connection covering only some provinces leaves to other connections. */
export interface LeftOutRows {
  /** The provinces the connection loads (its `provinces` option); empty when it loads every one. */
  readonly covered: readonly string[];
  /** Rows of other current provinces, by province code. */
  readonly byProvince: Readonly<Record<string, number>>;
  /** National rows (no province): no province's connection loads them. */
  readonly national: number;
}

export const noRowsLeftOut: LeftOutRows = { covered: [], byProvince: {}, national: 0 };

export const leftOutCount = (rows: LeftOutRows): number => Object.values(rows.byProvince).reduce((a, b) => a + b, rows.national);

/**
 * The rows of the workbook at `path` that a spreadsheet connection with `config` does not load because they are
 * about other provinces, or the country (its `provinces` option), counted by where they belong: what a steward who
 * uploaded to the wrong province's connection needs to hear, since those rows are neither loaded nor rejected.
 * None when the connection covers every province, or the workbook (checked against `limits`) or config cannot be
 * read (the sync reports that).
 */
export async function rowsLeftOut(path: string, config: unknown, limits: WorkbookLimits): Promise<LeftOutRows> {
  const parsedConfig = configSchema.safeParse(config);
  if (!parsedConfig.success) return noRowsLeftOut;
  const covered = parsedConfig.data.provinces;
  if (covered === undefined) return noRowsLeftOut;
  const cover = ProvinceFilter.of(covered);
  const workbook = await parseWorkbook(await readFile(path), limits);
  if (!workbook.ok) return noRowsLeftOut;
  const names = await ProvinceNames.load();
  const byProvince: Record<string, number> = {};
  let national = 0;
  for (const row of workbook.rows) {
    const place = placeOfRow(row.cells, names);
    if (cover.keeps(place)) continue;
    if (place.kind === 'province') byProvince[place.code] = (byProvince[place.code] ?? 0) + 1;
    else national++;
  }
  return { covered, byProvince, national };
}
