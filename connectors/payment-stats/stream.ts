import type { Page, StreamDefinition } from '../../src/connector-sdk/types.js';
import { ProvinceFilter } from '../provinces/province-filter.js';
import type { PaymentStatsConfig } from './config.js';
import { indexPath } from './contract.js';
import { downloadVerified } from './download.js';
import { paymentStatsClient } from './http.js';
import { parseMonthFile } from './month-file.js';
import { normalisePaymentRecord } from './normalise.js';
import { monthPage } from './records.js';
import { latestVersions, pendingMonths, readCursor, readIndex } from './source-index.js';

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);

/** One page per month whose newest version is newer than the one processed. */
export const monthlyFiles: StreamDefinition<PaymentStatsConfig> = {
  name: 'monthly-files',
  async *read(ctx, options): AsyncGenerator<Page> {
    const http = paymentStatsClient(ctx, options.signal);
    const index = readIndex(await http.getJson(indexPath, { signal: options.signal }), ctx.logger);
    let cursor = readCursor(options.cursor);
    const months = pendingMonths(latestVersions(index), cursor, { from: later(ctx.config.fromMonth, options.from), to: options.to });
    ctx.logger.info({ published: index.length, pending: months.map((m) => `${m.ky} v${m.phienBan}`) }, 'payment-stats index read');
    const provinces = ProvinceFilter.of(ctx.config.provinces);
    for (const entry of months) {
      const bytes = await downloadVerified(http, entry, ctx.config.checksumAttempts, ctx.logger, options.signal);
      const page = monthPage(entry, parseMonthFile(bytes), cursor, ctx.logger, provinces);
      cursor = readCursor(page.cursor);
      yield page;
    }
  },
  normalise: (record) => normalisePaymentRecord(record),
};
