import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { observationChangedEvent } from '../src/events/outbox-events.js';
import type { paths } from './support/api-types.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';

const publicUrl = 'https://lgsp.example.gov.vn/api';
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every operation of the document with its method and path. */
function operationsOf(document: OpenAPIV3_1.Document): { name: string; operation: OpenAPIV3_1.OperationObject }[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => (item?.[method] ? [{ name: `${method.toUpperCase()} ${path}`, operation: item[method] }] : [])));
}

function refsIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') into.add(item);
      else refsIn(item, into);
    }
  }
  return into;
}

// The document as tools take it, and a client generated from it (openapi-typescript + openapi-fetch) calling the API over HTTP.
describe('OpenAPI document and a generated client', () => {
  let api: TestApi;
  let baseUrl: string;
  let document: OpenAPIV3_1.Document;

  beforeAll(async () => {
    api = await startTestApi({ LGSP_API_PUBLIC_URL: publicUrl });
    await loadProvinceReference(api.t.db);
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
    document = await (await fetch(`${baseUrl}/openapi.json`)).json() as OpenAPIV3_1.Document;
  });
  afterAll(async () => { await api.close(); });

  it('every operation, new routes included, has a unique operationId, a summary, its security and its 4xx answers', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(30);
    const missing = operations.flatMap(({ name, operation }) => [
      ...(/^[a-z][A-Za-z0-9]+$/.test(operation.operationId ?? '') ? [] : [`${name}: operationId`]),
      ...((operation.summary ?? '') === '' ? [`${name}: summary`] : []),
      ...(Array.isArray(operation.security) ? [] : [`${name}: security`]),
      ...(Object.keys(operation.responses ?? {}).some((status) => /^4\d\d$/.test(status)) ? [] : [`${name}: 4xx`]),
    ]);
    expect(missing).toEqual([]);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    // Public routes say so; the others name the API key.
    expect(document.paths?.['/health']?.get?.security).toEqual([]);
    expect(document.paths?.['/v1/webhooks']?.post?.security).toEqual([{ apiKey: [] }]);
    expect(document.paths?.['/v1/webhooks/{id}']?.get?.operationId).toBe('getWebhooksById');
  });

  it('names its server from LGSP_API_PUBLIC_URL (by default where it listens) and holds only the components it uses', () => {
    expect(document.servers).toEqual([{ url: publicUrl, description: 'LGSP_API_PUBLIC_URL' }]);
    expect(loadConfig({ LGSP_API_HOST: '0.0.0.0', LGSP_API_PORT: '9090' }).api.publicUrl).toBe('http://127.0.0.1:9090');
    expect(loadConfig({ LGSP_API_PUBLIC_URL: 'https://lgsp.example.gov.vn/' }).api.publicUrl).toBe('https://lgsp.example.gov.vn');
    expect(() => loadConfig({ LGSP_API_PUBLIC_URL: 'lgsp.example.gov.vn' })).toThrow(/LGSP_API_PUBLIC_URL/);
    const schemas = Object.keys(document.components?.schemas ?? {});
    expect(schemas.length).toBeGreaterThan(5);
    const used = refsIn({ ...document, components: { schemas: Object.fromEntries(schemas.map((s) => [s, document.components?.schemas?.[s]])) } });
    expect(schemas.filter((s) => !used.has(`#/components/schemas/${s}`))).toEqual([]);
  });

  it('openapi-typescript generates a type for every operation, and the committed client types have them all', async () => {
    const generated = astToString(await openapiTS(JSON.stringify(document)));
    for (const { operation } of operationsOf(document)) expect(generated).toContain(`    ${operation.operationId ?? '?'}: {`);
    // A new route without them: `node --import tsx scripts/openapi-document.ts test/support/api-types.ts`.
    const committed = await readFile(new URL('support/api-types.ts', import.meta.url), 'utf8');
    for (const { operation } of operationsOf(document)) expect(committed).toContain(`    ${operation.operationId ?? '?'}: {`);
  });

  it('a typed client calls the running API: GETs, a POST, and a problem document for an unknown code', async () => {
    const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${api.keys.operate}` } });

    const whoami = await client.GET('/v1/whoami');
    expect(whoami.response.status).toBe(200);
    expect(whoami.data?.scopes).toEqual(['operate']);

    const indicators = await client.GET('/v1/indicators', { params: { query: { derived: 'true' } } });
    expect(indicators.data?.items.length).toBeGreaterThan(0);
    const code = indicators.data?.items[0]?.code ?? '';
    const one = await client.GET('/v1/indicators/{code}', { params: { path: { code } } });
    expect(one.data?.code).toBe(code);
    const unknown = await client.GET('/v1/indicators/{code}', { params: { path: { code: 'NO_SUCH_INDICATOR' } } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe('NOT_FOUND');

    const created = await client.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hooks', eventTypes: [observationChangedEvent] } });
    expect(created.response.status).toBe(201);
    expect(created.data?.secret).toMatch(/^whsec_/);
    const listed = await client.GET('/v1/webhooks');
    expect(listed.data?.map((s) => s.id)).toEqual([created.data?.id]);
  });
});
