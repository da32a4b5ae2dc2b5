/**
 * The files of a new connector folder. `__ID__` becomes the connector id, `__CLASS__` its PascalCase name.
 * The result works as it is (a paged JSON source and its emulator, tested through the real engine): a starting
 * point to change into the real source's contract.
 */
export const connectorTemplates: Readonly<Record<string, string>> = {
  'index.ts': `import { z } from 'zod';
import { createHttpClient } from '../../src/connector-sdk/http/index.js';
import { defineConnector, type Json } from '../../src/connector-sdk/types.js';
import { endsOn, parsePeriod } from '../../src/periods/period.js';

/**
 * TODO: the indicator this source feeds (a code of config/indicators.yaml). Until then the records go to this
 * placeholder, which no catalogue has: a real sync rejects them (UNKNOWN_INDICATOR), the test loads it for itself.
 */
export const placeholderIndicator = '__CODE___EXAMPLE';

/** The connection's settings (stored in connection.config). Secrets are referenced, never stored here. */
export const configSchema = z.object({
  baseUrl: z.url(),
  pageSize: z.number().int().min(1).max(1000).default(100),
});

/** What the source sends per record; validate it here, reject what does not fit in the normaliser. */
const pageSchema = z.object({
  records: z.array(z.object({ id: z.string(), province: z.string(), month: z.string(), value: z.unknown() }).loose()),
  next: z.number().nullable(),
});

export default defineConnector({
  id: '__ID__',
  description: 'TODO: what the source is',
  configSchema,
  secrets: [],
  async check(ctx) {
    const http = createHttpClient({ baseUrl: ctx.config.baseUrl, connectionId: ctx.connectionId, logger: ctx.logger, egress: ctx.boundary });
    await http.getJson('/records', { params: { page: 0, size: 1 } });
    return { ok: true, message: \`reached \${ctx.config.baseUrl}\` };
  },
  streams: [
    {
      name: 'records',
      async *read(ctx, options) {
        const http = createHttpClient({ baseUrl: ctx.config.baseUrl, connectionId: ctx.connectionId, logger: ctx.logger, egress: ctx.boundary, signal: options.signal });
        let page = typeof options.cursor === 'number' ? options.cursor : 0;
        for (;;) {
          const body = await http.getJson('/records', { params: { page, size: ctx.config.pageSize }, parse: (b: unknown) => pageSchema.parse(b) });
          const records = body.records.map((r, index) => ({ key: r.id, data: r as Json, location: { page, index } }));
          // After the last page the cursor stays on it: records added to it later are read by the next sync
          // (the ones already landed are unchanged, so they cost nothing).
          yield { records, cursor: body.next ?? page };
          if (body.next === null) return;
          page = body.next;
        }
      },
      normalise(record) {
        const r = record.data as { province: string; month: string; value: unknown };
        if (typeof r.value !== 'number' || !Number.isInteger(r.value) || r.value < 0) {
          return { rejected: { code: 'NOT_A_COUNT', reason: \`value \${JSON.stringify(r.value)} is not a non-negative whole number\` } };
        }
        return { observations: [{ indicator: placeholderIndicator, unit: { code: r.province, asOf: endsOn(parsePeriod(r.month)) }, period: r.month, value: r.value }] };
      },
    },
  ],
});
`,
  'emulator/server.ts': `import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCutMidBody, serveTransportFault, type FaultAnswers } from '../../../src/connector-sdk/emulator/fault-answers.js';
import { LocalServer } from '../../../src/connector-sdk/emulator/local-server.js';
import { nextTransportFault, takeReset, type TransportFaults } from '../../../src/connector-sdk/emulator/transport-faults.js';

export interface EmulatedRecord {
  id: string;
  province: string;
  month: string;
  value: number | string;
}

const jsonType = 'application/json; charset=utf-8';

/** How the source words its 429 and 5xx answers (TODO: as the real one does: JSON, XML, plain text). */
const faultAnswers: FaultAnswers = {
  tooManyRequests: { contentType: jsonType, body: JSON.stringify({ error: 'too_many_requests' }) },
  unavailable: { contentType: jsonType, body: JSON.stringify({ error: 'unavailable' }) },
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'content-type': jsonType, 'content-length': String(bytes.length) }).end(bytes);
}

/**
 * A real HTTP server speaking the source's contract (TODO: the real one). The transport faults every source has
 * (429 with Retry-After, 500/502/503 bursts, slow answers, resets mid-body) are the shared model of
 * src/connector-sdk/emulator, switched on through \`faults\`; add the source's own (expiring tokens, malformed records).
 */
export class __CLASS__Emulator {
  records: EmulatedRecord[] = [
    { id: 'a', province: '91', month: '2025-08', value: 2 },
    { id: 'b', province: '40', month: '2025-08', value: 1 },
  ];
  /** Each consumed as it fires: \`{ serverErrors: [503], resetMidBody: 1 }\` fails the next request, cuts the one after. */
  faults: TransportFaults = {};
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  /** Listens on 127.0.0.1 (port 0: any free one); returns the base URL. */
  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await serveTransportFault(res, nextTransportFault(this.faults), faultAnswers, this.server.stopping)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/records') {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const page = Number(url.searchParams.get('page') ?? '0');
    const size = Number(url.searchParams.get('size') ?? '100');
    const records = this.records.slice(page * size, (page + 1) * size);
    const next = (page + 1) * size < this.records.length ? page + 1 : null;
    const bytes = Buffer.from(JSON.stringify({ records, next }), 'utf8');
    if (takeReset(this.faults)) sendCutMidBody(res, jsonType, bytes);
    else res.writeHead(200, { 'content-type': jsonType, 'content-length': String(bytes.length) }).end(bytes);
  }
}
`,
  '__ID__.test.ts': `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue } from '../../test/support/warehouse-fixtures.js';
import { loadIndicatorCatalogue } from '../../src/reference/indicator-catalogue.js';
import { __CLASS__Emulator } from './emulator/server.js';
import connector, { placeholderIndicator } from './index.js';
import { testBoundary } from '../../test/support/boundary.js';

describe('__ID__ through the real engine', () => {
  let t: TestDatabase;
  const emulator = new __CLASS__Emulator();
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    // The placeholder is in no catalogue: the test adds it (drop this once the connector feeds a real indicator).
    await loadIndicatorCatalogue(t.db, [{ code: placeholderIndicator, name_vi: 'Ví dụ', name_en: 'Example', measure_unit: 'records', direction: 'higher_is_better', aggregation: { units: 'sum', periods: 'last' } }]);
    const baseUrl = await emulator.start();
    await insertConnection(t.db, { id: '__ID__', connectorId: connector.id, name: '__ID__', config: { baseUrl }, secretRefs: {} });
  });
  afterAll(async () => {
    await emulator.stop();
    await t.drop();
  });

  it('loads the good records, rejects the bad one with its reason, and survives a 503 and a reset mid-body', async () => {
    emulator.records.push({ id: 'bad', province: '91', month: '2025-09', value: 'two' });
    emulator.faults = { serverErrors: [503], resetMidBody: 1 };
    const { run } = await createRun(t.db, { connectionId: '__ID__', mode: 'incremental' });
    const deps = { db: t.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([connector]), boundary: testBoundary() };
    const done = await executeRun(deps, run.id, { signal: new AbortController().signal });
    expect(done.status).toBe('succeeded');
    expect(emulator.faults).toEqual({ serverErrors: [], resetMidBody: 0 }); // both served, both retried
    expect(done.records_rejected).toBe(1);
    // Where the bad record sits: the first page (0), its third record.
    const rejected = await t.db.selectFrom('rejected_record').select(['code', 'location']).executeTakeFirstOrThrow();
    expect(rejected).toMatchObject({ code: 'NOT_A_COUNT', location: { page: 0, index: 2 } });
    // Hand-computed from the emulator's records.
    expect(await provinceValue(t.db, placeholderIndicator, '91', '2025-08', '2025-08-31')).toBe('2');
    expect(await provinceValue(t.db, placeholderIndicator, '40', '2025-08', '2025-08-31')).toBe('1');
  });

  it('reads a record added to the last page after a sync', async () => {
    emulator.records.push({ id: 'late', province: '40', month: '2025-09', value: 4 });
    const { run } = await createRun(t.db, { connectionId: '__ID__', mode: 'incremental' });
    const deps = { db: t.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([connector]), boundary: testBoundary() };
    expect((await executeRun(deps, run.id, { signal: new AbortController().signal })).status).toBe('succeeded');
    expect(await provinceValue(t.db, placeholderIndicator, '40', '2025-09', '2025-09-30')).toBe('4');
  });
});
`,
  'README.md': `# __ID__

For data stewards: what this source is, how to connect it, what it feeds, and its traps.

- **Source:** TODO (system, owner, how it is reached through the LGSP).
- **Config:** \`baseUrl\`, \`pageSize\` (default 100).
- **Secrets:** none (or: \`--secret name=env:LGSP_SECRET_…\`, a variable the host publishes to connections, or \`=file:<name>\` in its secrets folder).
- **Feeds:** TODO indicator codes (config/indicators.yaml); until then the placeholder \`__CODE___EXAMPLE\`, which
  no catalogue has, so a real sync rejects its records.
- **Known traps:** TODO (legacy codes before 2025-07-01, revisions, number formats ...).
- **Emulator:** \`emulator/server.ts\` serves the contract with generated data and switchable faults (the shared
  transport faults of \`src/connector-sdk/emulator/\`: 429, 5xx bursts, slow answers, resets mid-body).
`,
};
