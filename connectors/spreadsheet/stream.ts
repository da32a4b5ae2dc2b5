import { fileTooLarge } from '../../src/boundary/zip-limits.js';
import type { Page, StreamDefinition } from '../../src/connector-sdk/types.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import { inboxPath, type SpreadsheetConfig } from './config.js';
import { listWorkbooks, readCursor, readWorkbook, type InboxCursor } from './inbox.js';
import { normaliseWorkbookRecord } from './normalise.js';
import { ProvinceNames } from '../provinces/province-names.js';
import { scopeOf, workbookRecords } from './records.js';
import { parseWorkbook, refusedWorkbook } from './workbook.js';

const without = (cursor: InboxCursor, file: string): InboxCursor => Object.fromEntries(Object.entries(cursor).filter(([f]) => f !== file));

/**
 * One page per workbook of the inbox whose bytes were not processed yet (oldest first), carrying the workbook in
 * full; and one empty page per workbook processed before and since removed from the inbox, which withdraws it.
 */
export const workbooks: StreamDefinition<SpreadsheetConfig> = {
  name: 'workbooks',
  async *read(ctx, options): AsyncGenerator<Page> {
    const files = await listWorkbooks(await inboxPath(ctx.config, ctx.boundary));
    let cursor = readCursor(options.cursor);
    const provinces = await ProvinceNames.load();
    const cover = ProvinceFilter.of(ctx.config.provinces);
    const present = new Set(files.map((f) => f.file));
    for (const gone of Object.keys(cursor).filter((f) => !present.has(f))) {
      ctx.logger.info({ file: gone }, 'workbook removed from the inbox: its figures are withdrawn');
      cursor = without(cursor, gone);
      yield { records: [], cursor, completeScopes: [scopeOf(gone)] };
    }
    for (const f of files) {
      const { bytes, size, sha256 } = await readWorkbook(f.path, ctx.boundary.workbook.maxBytes);
      if (cursor[f.file] === sha256) continue;
      // A refused workbook is one rejection of its own; the other workbooks of the inbox still load.
      const parsed = bytes === undefined ? refusedWorkbook(fileTooLarge(size, ctx.boundary.workbook)) : await parseWorkbook(bytes, ctx.boundary.workbook);
      const { records, complete } = workbookRecords({ file: f.file, sha256 }, parsed, provinces, cover);
      ctx.logger.info({ file: f.file, rows: parsed.ok ? parsed.rows.length : 0, refused: parsed.ok ? undefined : parsed.code }, 'workbook read');
      cursor = { ...cursor, [f.file]: sha256 };
      yield { records, cursor, ...(complete ? { completeScopes: [scopeOf(f.file)] } : {}) };
    }
  },
  normalise: (record) => normaliseWorkbookRecord(record),
};
