import { z, ZodError } from 'zod';
import type { Json, Page, StreamDefinition } from '../../src/connector-sdk/types.js';
import { SourceError } from '../../src/errors.js';
import type { GsoPxwebConfig } from './config.js';
import { gsoClient } from './http.js';
import { JsonStatError, readJsonStat, type JsonStatCube } from './json-stat.js';
import { metadataSchema, tablePath } from './metadata.js';
import { normaliseCell } from './normalise.js';
import { planTable } from './plan.js';
import { tableLabel, tablePage, type TablesCursor } from './records.js';

const cursorSchema = z.record(z.string(), z.array(z.string()));

export function readCursor(cursor: Json): TablesCursor {
  const parsed = cursorSchema.safeParse(cursor);
  return parsed.success ? parsed.data : {};
}

function cubeOf(body: unknown, label: string): JsonStatCube {
  try {
    return readJsonStat(body);
  } catch (error) {
    if (!(error instanceof JsonStatError || error instanceof ZodError)) throw error;
    const reason = error instanceof ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 5).join('; ') : error.message;
    throw new SourceError('SOURCE_RESPONSE_INVALID', `GSO table ${label}: the answer is not a JSON-stat 2.0 dataset (${reason})`, { permanent: true, cause: error });
  }
}

/** One page per configured table: its metadata, then one query for the provinces and years, one record per cell. */
export const tables: StreamDefinition<GsoPxwebConfig> = {
  name: 'tables',
  async *read(ctx, options): AsyncGenerator<Page> {
    const http = gsoClient(ctx, options.signal);
    let cursor = readCursor(options.cursor);
    for (const table of ctx.config.tables) {
      const database = table.database ?? ctx.config.database;
      const label = tableLabel(database, table, ctx.config.database);
      const path = tablePath(database, table.table);
      const metadata = await http.getJson(path, { signal: options.signal, parse: (b: unknown) => metadataSchema.parse(b) });
      const plan = planTable(metadata, table, ctx.config.provinces, ctx.config.years);
      ctx.logger.info({ table: label, codes: plan.codes, provinces: plan.provinces, years: plan.years, content: plan.content?.value }, 'gso-pxweb table planned');
      if (plan.provinces.length === 0 || plan.years.length === 0) {
        ctx.logger.warn({ table: label }, 'gso-pxweb: the table lists none of the configured provinces or years; nothing queried');
        continue;
      }
      const cube = cubeOf(await http.postJson(path, plan.query, { signal: options.signal }), label);
      const page = tablePage({ database, label, table, plan, cube, cursor });
      cursor = readCursor(page.cursor);
      yield page;
    }
  },
  normalise: (record) => normaliseCell(record),
};
