import { z } from 'zod';
import { createHttpClient } from '../../src/connector-sdk/http/index.js';
import { defineConnector, type ConnectorContext, type Json, type NormaliseResult, type SourceRecord } from '../../src/connector-sdk/types.js';
import { endsOn, parsePeriod } from '../../src/periods/period.js';

const configSchema = z.object({
  baseUrl: z.url(),
  clientId: z.string().min(1),
  pageSize: z.number().int().positive().default(50),
  timeoutMs: z.number().int().positive().default(2000),
});
type Config = z.infer<typeof configSchema>;

const rowSchema = z.object({ rows: z.array(z.record(z.string(), z.unknown())), next: z.object({ since: z.string(), afterId: z.string() }).nullable() });
const cursorSchema = z.object({ since: z.string(), afterId: z.string() }).nullable();

function client(ctx: ConnectorContext<Config>, signal?: AbortSignal) {
  return createHttpClient({
    baseUrl: ctx.config.baseUrl,
    connectionId: ctx.connectionId,
    logger: ctx.logger,
    egress: ctx.boundary,
    timeoutMs: ctx.config.timeoutMs,
    retry: { retries: 6, baseDelayMs: 20, maxDelayMs: 3000 },
    auth: { kind: 'oauth2-client-credentials', tokenPath: '/oauth2/token', clientId: ctx.config.clientId, clientSecret: ctx.secrets.client_secret ?? '' },
    signal,
  });
}

const count = (v: unknown): number | 'missing' | 'not-a-number' | 'negative' => {
  if (v === undefined || v === null) return 'missing';
  if (typeof v !== 'number' || !Number.isInteger(v)) return 'not-a-number';
  return v < 0 ? 'negative' : v;
};

/**
 * Normaliser version 1 counts new dossiers as given; version 2 adds postal dossiers (the "fix" a replay applies).
 */
export function normaliseRow(record: SourceRecord, version: 1 | 2): NormaliseResult {
  const row = record.data as Record<string, Json>;
  const month = typeof row.month === 'string' ? row.month : '';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return { rejected: { code: 'PERIOD_INVALID', reason: `month ${JSON.stringify(row.month)} is not YYYY-MM` } };
  const fields = { dossiers: count(row.dossiers), online: count(row.online) };
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') return { rejected: { code: value === 'negative' ? 'NEGATIVE_COUNT' : value === 'missing' ? 'MISSING_FIELD' : 'NOT_A_NUMBER', reason: `${name} is ${value}: ${JSON.stringify(row[name] ?? null)}` } };
  }
  const postal = typeof row.postal === 'number' ? row.postal : 0;
  const asOf = endsOn(parsePeriod(month));
  // A row may name its province by a written address instead of a code (as people do, misspellings included).
  const unit = typeof row.address === 'string'
    ? { address: row.address, level: 'province' as const, asOf }
    : { code: typeof row.unit === 'string' ? row.unit : JSON.stringify(row.unit), asOf };
  const dossiers = (fields.dossiers as number) + (version === 2 ? postal : 0);
  return {
    observations: [
      { indicator: 'DVC_DOSSIERS_NEW', unit, period: month, value: dossiers },
      { indicator: 'DVC_DOSSIERS_ONLINE', unit, period: month, value: fields.online },
    ],
  };
}

/** A connector over the test source, used to test the engine. */
export function makeTestConnector(version: 1 | 2 = 1) {
  return defineConnector({
    id: 'test-dossiers',
    description: 'Engine test source: paged dossier rows behind OAuth2',
    configSchema,
    secrets: ['client_secret'],
    async check(ctx) {
      await client(ctx).getJson('/api/rows', { params: { limit: 1 } });
      return { ok: true, message: `reached ${ctx.config.baseUrl} and authenticated` };
    },
    streams: [
      {
        name: 'rows',
        async *read(ctx, options) {
          const http = client(ctx, options.signal);
          let cursor = cursorSchema.parse(options.cursor ?? null);
          for (;;) {
            const page = await http.getJson('/api/rows', {
              params: { since: cursor?.since, afterId: cursor?.afterId, limit: ctx.config.pageSize, fromMonth: options.from, toMonth: options.to },
              parse: (b: unknown) => rowSchema.parse(b),
            });
            const last = page.rows[page.rows.length - 1];
            if (last) cursor = { since: String(last.updatedAt), afterId: String(last.id) };
            yield {
              records: page.rows.map((r, index) => ({ key: String(r.id), data: r as Json, location: { since: options.cursor === null ? '' : JSON.stringify(options.cursor), index } })),
              cursor,
            };
            if (page.next === null) return;
          }
        },
        normalise: (record) => normaliseRow(record, version),
      },
    ],
  });
}

// Worker processes load this module through LGSP_CONNECTOR_MODULES; TEST_NORMALISER_VERSION picks the version.
export default makeTestConnector(process.env.TEST_NORMALISER_VERSION === '2' ? 2 : 1);
