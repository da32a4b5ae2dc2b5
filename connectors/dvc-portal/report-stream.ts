import type { ConnectorContext, Json, Page, ReadOptions, SourceRecord } from '../../src/connector-sdk/types.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import type { DvcPortalConfig } from './config.js';
import { asObject, cleanText, isLastPage, parseEnvelope } from './envelope.js';
import { portalClient } from './http.js';
import { monthInVietnam } from './months.js';
import { instant, latestUpdate, later, readReportCursor, reportCursor } from './report-cursor.js';
import { placeOfItem } from './unit-place.js';

export const reportPath = '/api/v1/bao-cao/tinh-hinh-giai-quyet';

/** A row's identity: its `id`, stable across revisions. A row without one still lands, to be rejected visibly. */
function recordKey(row: Json, page: number, index: number): string {
  const id = cleanText(asObject(row)?.id);
  return id !== undefined && id !== '' ? id : `(no id) page ${page} row ${index}`;
}

/**
 * Reads the report from the cursor on. Pages are not a snapshot: a row revised while we page moves to the end,
 * which shifts every later row one place back, so plain page+1 paging could skip a row. Instead, after each page
 * we ask again from that page's latest `capNhatLuc` (page 0): every row older than it was on the page just read,
 * and the few rows at exactly that time come again unchanged (the engine lands them as unchanged). Only when a
 * whole page shares one time does the time not advance; then we move to the next page number. Rows of provinces the
 * connection does not cover are dropped here; the cursor still moves past them.
 */
export async function* readReport(ctx: ConnectorContext<DvcPortalConfig>, options: ReadOptions, now: () => Date = () => new Date()): AsyncIterable<Page> {
  const http = portalClient(ctx);
  const tuThang = options.from ?? ctx.config.fromMonth;
  const denThang = options.to ?? monthInVietnam(now());
  let latest = readReportCursor(options.cursor);
  let since = latest;
  let pageNo = 0;
  const provinces = ProvinceFilter.of(ctx.config.provinces);
  for (;;) {
    const requested = pageNo;
    const page = await http.getJson(reportPath, {
      params: { tuThang, denThang, capNhatTu: since, page: requested, size: ctx.config.pageSize },
      signal: options.signal,
      parse: parseEnvelope,
    });
    const fetched: SourceRecord[] = page.content.map((row, index) => ({
      key: recordKey(row, requested, index),
      data: row,
      location: { capNhatTu: since ?? null, page: requested, index },
    }));
    const records = provinces.select(fetched, (r) => placeOfItem(r.data, cleanText(asObject(r.data)?.kyBaoCao)));
    const pageLatest = latestUpdate(page.content);
    latest = later(latest, pageLatest);
    yield { records, cursor: reportCursor(latest) };
    if (isLastPage(page, requested)) return;
    if (pageLatest !== undefined && (since === undefined || instant(pageLatest) > instant(since))) {
      since = pageLatest;
      pageNo = 0;
    } else {
      pageNo = requested + 1;
    }
  }
}
