import type { ConnectorContext, Json, Page, ReadOptions, SourceRecord } from '../../src/connector-sdk/types.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import type { DvcPortalConfig } from './config.js';
import { asObject, cleanText, isLastPage, parseEnvelope } from './envelope.js';
import { portalClient } from './http.js';
import { monthInVietnam } from './months.js';
import { placeOfItem } from './unit-place.js';

export const cataloguePath = '/api/v1/danh-muc/thu-tuc';

/**
 * A procedure's identity within a month's snapshot. The unit is part of it because procedure codes are national
 * (1.001234 "Đăng ký khai sinh" is offered by every province): a portal serving two units lists it twice.
 */
function recordKey(month: string, item: Json, page: number, index: number): string {
  const o = asObject(item);
  const code = cleanText(o?.maThuTuc);
  const unit = cleanText(o?.maDonViHanhChinh) ?? '';
  return code !== undefined && code !== '' ? `${month}|${unit}|${code}` : `${month}|(no maThuTuc) page ${page} item ${index}`;
}

/**
 * The whole catalogue, every sync: it is a snapshot counted for the month the sync runs in (Vietnam time). Every
 * record carries that month as its scope and the last page declares the scope complete, so a procedure no longer
 * listed loses its count. That only works if all pages are read in one run, hence no incremental cursor here.
 * Items of provinces the connection does not cover are dropped before they are yielded, so the complete scope
 * withdraws only this connection's items (a page left empty is still yielded: it may carry the scope).
 */
export async function* readCatalogue(ctx: ConnectorContext<DvcPortalConfig>, options: ReadOptions, now: () => Date = () => new Date()): AsyncIterable<Page> {
  const http = portalClient(ctx);
  const month = monthInVietnam(now());
  const provinces = ProvinceFilter.of(ctx.config.provinces);
  for (let pageNo = 0; ; pageNo++) {
    const page = await http.getJson(cataloguePath, { params: { page: pageNo, size: ctx.config.pageSize }, signal: options.signal, parse: parseEnvelope });
    const fetched: SourceRecord[] = page.content.map((item, index) => ({ key: recordKey(month, item, pageNo, index), data: item, scope: month, location: { page: pageNo, index } }));
    const records = provinces.select(fetched, (r) => placeOfItem(r.data, month));
    const last = isLastPage(page, pageNo);
    yield { records, cursor: { snapshotMonth: month }, ...(last ? { completeScopes: [month] } : {}) };
    if (last) return;
  }
}
