import { defineConnector } from '../../src/connector-sdk/types.js';
import { configSchema } from './config.js';
import { gsoClient } from './http.js';
import { metadataSchema, tablePath } from './metadata.js';
import { planTable } from './plan.js';
import { tables } from './stream.js';

/** General Statistics Office tables through the PX-Web API v1, answered in JSON-stat 2.0 (sources.md, section 4). */
export default defineConnector({
  id: 'gso-pxweb',
  description: 'Tổng cục Thống kê (PX-Web API v1, JSON-stat 2.0): population, GRDP and digital-economy share per province and year',
  configSchema,
  secrets: [],
  async check(ctx) {
    const http = gsoClient(ctx);
    const found: string[] = [];
    for (const table of ctx.config.tables) {
      const database = table.database ?? ctx.config.database;
      const metadata = await http.getJson(tablePath(database, table.table), { parse: (b: unknown) => metadataSchema.parse(b) });
      const plan = planTable(metadata, table, ctx.config.provinces, ctx.config.years);
      found.push(`${table.table} (${plan.codes} codes, ${plan.provinces.length} provinces, ${plan.years.length} years)`);
    }
    return { ok: true, message: `reached ${ctx.config.baseUrl}: ${found.join('; ')}` };
  },
  streams: [tables],
});
