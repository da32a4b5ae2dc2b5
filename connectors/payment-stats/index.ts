import { defineConnector } from '../../src/connector-sdk/types.js';
import { configSchema } from './config.js';
import { indexPath } from './contract.js';
import { paymentStatsClient } from './http.js';
import { latestVersions, readIndex } from './source-index.js';
import { monthlyFiles } from './stream.js';

/** Non-cash payment statistics of the State Bank's provincial branch (sources.md, section 2). */
export default defineConnector({
  id: 'payment-stats',
  description: 'Ngân hàng Nhà nước chi nhánh tỉnh: monthly non-cash payment and cash withdrawal counts per province (CSV files with sha256)',
  configSchema,
  secrets: ['api_key'],
  async check(ctx) {
    const entries = readIndex(await paymentStatsClient(ctx).getJson(indexPath), ctx.logger);
    const latest = latestVersions(entries);
    const range = latest.length === 0 ? 'no month yet' : `${latest[0]?.ky ?? ''} to ${latest[latest.length - 1]?.ky ?? ''}`;
    return { ok: true, message: `reached ${ctx.config.baseUrl} with the API key: ${entries.length} files published, ${latest.length} months (${range})` };
  },
  streams: [monthlyFiles],
});
