import type { ConnectorContext, Page, ReadOptions } from '../../src/connector-sdk/types.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import { ProvinceNames } from '../provinces/province-names.js';
import { placeOfApplication } from './application-place.js';
import { registryClient } from './client.js';
import type { PatentRegistryConfig } from './config.js';
import { cursorJson, laterCursor, readCursor } from './cursor.js';
import { child, text } from './json-node.js';
import { applicationKey } from './record-key.js';
import { parseSearchResult } from './search-result.js';

export const applicationsPath = '/api/v1/applications';

/**
 * Pages of applications modified since the stored cursor (all of them for a full refresh or a backfill: the source
 * filters by modification time only), following `nextCursor` until the last page. Each page carries the latest
 * `LastModified` seen so far, so an interrupted run resumes without losing anything. The source cannot filter by
 * province: applications of provinces the connection does not cover are dropped here, after the cursor took them in.
 */
export async function* readApplications(ctx: ConnectorContext<PatentRegistryConfig>, options: ReadOptions): AsyncIterable<Page> {
  const http = registryClient(ctx, options.signal);
  const start = options.mode === 'incremental' ? readCursor(options.cursor) : null;
  let cursor = start;
  let pageCursor: string | undefined;
  const provinces = ProvinceFilter.of(ctx.config.provinces);
  const names = provinces.coversAll ? undefined : await ProvinceNames.load();
  for (let pageIndex = 0; ; pageIndex++) {
    const xml = await http.getText(applicationsPath, {
      params: { kind: ctx.config.kinds.join(','), modifiedSince: start?.modifiedSince, cursor: pageCursor, limit: ctx.config.pageSize },
      headers: { accept: 'application/xml' },
      signal: options.signal,
    });
    const page = parseSearchResult(xml);
    const fetched = page.applications.map((application, index) => {
      cursor = laterCursor(cursor, text(child(application, 'LastModified')));
      return { key: applicationKey(application), data: application, location: { page: pageIndex, index, modifiedSince: start?.modifiedSince ?? null } };
    });
    const records = names === undefined ? fetched : provinces.select(fetched, (r) => placeOfApplication(r.data, names));
    yield { records, cursor: cursorJson(cursor) };
    if (page.nextCursor === undefined) return;
    if (page.nextCursor === pageCursor) throw new Error(`patent-registry: the source answered the same nextCursor twice (${page.nextCursor}); paging would never end`);
    pageCursor = page.nextCursor;
  }
}
