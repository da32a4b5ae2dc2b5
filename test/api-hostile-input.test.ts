import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggableError } from '../src/api/loggable-error.js';
import { startTestApi, type TestApi } from './support/test-api.js';

type Problem = { status: number; code: string; errors?: { field: string; message: string }[] };

const cursor = (position: unknown[]) => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('API: hostile input is a 400 naming the field, never a 500', () => {
  let api: TestApi;
  let document: OpenAPIV3_1.Document;
  beforeAll(async () => {
    api = await startTestApi({ LGSP_API_RATE_LIMIT: '100000' });
    document = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json<OpenAPIV3_1.Document>();
  });
  afterAll(async () => {
    await api.close();
  });

  /** Every operation of the OpenAPI document, with its path's parameters filled in by `fill`. */
  const operations = (fill: (name: string) => string) =>
    Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      methods.filter((m) => item?.[m] !== undefined).map((method) => ({
        method: method.toUpperCase() as Uppercase<typeof method>,
        path,
        url: path.replace(/\{(\w+)\}/g, (_m, name: string) => fill(name)),
        operation: item?.[method] as OpenAPIV3_1.OperationObject,
      })));

  const expectFieldRefused = async (request: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: object }, field: string) => {
    const res = await api.request({ as: 'admin', ...request });
    expect(res.statusCode, `${request.method} ${request.url}`).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<Problem>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors?.map((e) => e.field)).toContain(field);
  };

  it('a NUL character in a query value, a path parameter, a body field or a body key', async () => {
    await expectFieldRefused({ method: 'GET', url: '/v1/units?q=a%00b' }, 'querystring.q');
    await expectFieldRefused({ method: 'GET', url: '/v1/rejected?code=%00' }, 'querystring.code');
    await expectFieldRefused({ method: 'GET', url: '/v1/webhooks/wh%00' }, 'params.id');
    await expectFieldRefused({ method: 'GET', url: '/v1/observations/DVC_ONLINE_RATE/9%001/2025/revisions' }, 'params.unit');
    await expectFieldRefused({ method: 'POST', url: '/v1/apikeys', payload: { name: 'a\u0000b', scopes: ['read'] } }, 'body.name');
    await expectFieldRefused({ method: 'POST', url: '/v1/webhooks', payload: { url: 'http://example.com/h', units: ['91', '9\u00001'] } }, 'body.units.1');
    await expectFieldRefused({ method: 'POST', url: '/v1/connections', payload: { id: 'c-1', connector: 'dvc-portal', name: 'n', config: { 'base\u0000Url': 'x' } } }, 'body.config');
  });

  it('periods and dates outside the years 1900..2100: year 0000 and 9999', async () => {
    await expectFieldRefused({ method: 'GET', url: '/v1/observations?period=0000' }, 'querystring.period');
    await expectFieldRefused({ method: 'GET', url: '/v1/observations?from=0000-Q1' }, 'querystring.from');
    await expectFieldRefused({ method: 'GET', url: '/v1/observations?to=9999-12' }, 'querystring.to');
    await expectFieldRefused({ method: 'GET', url: '/v1/observations/DVC_ONLINE_RATE/91/0000/revisions' }, 'params.period');
    await expectFieldRefused({ method: 'GET', url: '/v1/observations?asOf=0000-01-01' }, 'querystring.asOf');
    await expectFieldRefused({ method: 'GET', url: '/v1/progress?unit=91&asOf=0000-01-01' }, 'querystring.asOf');
    // In range still works.
    expect((await api.request({ method: 'GET', url: '/v1/observations?period=1900&asOf=2100-12-31' })).statusCode).toBe(200);
  });

  it('a cursor holding 1e300, a negative or fractional number, a NUL or a long string, on every paged route', async () => {
    const forged = [['l', 'a', 1e300], ['s', 1e300], [1e300], [-1], [1.5], ['i', 'A\u0000', 1, '2025', 'o'], ['i', 'x'.repeat(300), 1, '2025', 'o']];
    for (const route of ['/v1/units', '/v1/runs', '/v1/rejected', '/v1/observations']) {
      for (const position of forged) await expectFieldRefused({ method: 'GET', url: `${route}?cursor=${cursor(position)}` }, 'querystring.cursor');
    }
  });

  it('unknown fields in the body are refused on every route that takes one, each named', async () => {
    const withBody = operations(() => '1').filter((o) => o.operation.requestBody !== undefined);
    expect(withBody.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'PATCH /v1/webhooks/{id}', 'POST /v1/apikeys', 'POST /v1/connections', 'POST /v1/connections/{id}/syncs',
      'POST /v1/rejected/reprocess', 'POST /v1/units/aliases',
      'POST /v1/webhooks', 'POST /v1/webhooks/{id}/secret', 'PUT /v1/connections/{id}/schedule',
    ]);
    for (const o of withBody) await expectFieldRefused({ method: o.method, url: o.url, payload: { surpriseField: 1 } }, 'body.surpriseField');
    // A route that takes no body refuses one with fields, naming them; an empty object is fine.
    const withoutBody = operations(() => '1').filter((o) => o.operation.requestBody === undefined && o.method !== 'GET');
    expect(withoutBody.length).toBeGreaterThan(5);
    for (const o of withoutBody) await expectFieldRefused({ method: o.method, url: o.url, payload: { surpriseField: 1 } }, 'body.surpriseField');
    expect((await api.request({ method: 'POST', url: '/v1/connections/none/check', payload: {}, as: 'operate' })).statusCode).toBe(404);
    // Nested objects too.
    await expectFieldRefused({ method: 'POST', url: '/v1/connections', payload: { id: 'c-1', connector: 'dvc-portal', name: 'n', schedule: { everyMinutes: 5, colour: 'red' } } }, 'body.schedule.colour');
  });

  it('hostile values in every query and path parameter of every route: never a 500', async () => {
    const hostile = ['1e300', '-1', '0', '0000', '0000-01-01', 'a\u0000', 'x'.repeat(5000), '%C0%AF', '[]', '{"a":1}', '9007199254740993'];
    const seen: string[] = [];
    for (const value of hostile) {
      const pathValue = value.length > 90 ? 'x'.repeat(90) : value;
      for (const o of operations(() => encodeURIComponent(pathValue))) {
        if (o.path === '/v1/events/stream') continue;
        const query = (o.operation.parameters as OpenAPIV3_1.ParameterObject[] | undefined ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => `${p.name}=${encodeURIComponent(value)}&${p.name}=${encodeURIComponent(value)}`);
        for (const q of ['', ...query]) {
          const res = await api.request({ method: o.method, url: `${o.url}${q === '' ? '' : `?${q}`}`, as: 'admin', ...(o.operation.requestBody ? { payload: {} } : {}) });
          seen.push(`${res.statusCode} ${o.method} ${o.path}`);
          expect(res.statusCode, `${o.method} ${o.url.slice(0, 80)}?${q.slice(0, 80)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
        }
      }
    }
    expect(seen.length).toBeGreaterThan(100);
  });

  it('an upper-case HTTP:// webhook URL is stored with a lower-case scheme, on create and on change', async () => {
    const created = await api.request({ method: 'POST', url: '/v1/webhooks', as: 'operate', payload: { url: 'HTTP://Example.com/Hook' } });
    expect(created.statusCode).toBe(201);
    const { id, url } = created.json<{ id: string; url: string }>();
    expect(url).toBe('http://Example.com/Hook');
    const changed = await api.request({ method: 'PATCH', url: `/v1/webhooks/${id}`, as: 'operate', payload: { url: 'HTTPS://example.com/other' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<{ url: string }>().url).toBe('https://example.com/other');
  });

  it('a database error is logged without its detail, which quotes the failing row', async () => {
    const secret = 'whsec_must-not-reach-the-log';
    const error = await api.t.db
      .insertInto('webhook_subscription')
      .values({ id: 'wh_bad', url: 'ftp://example.com', secret, stream_start_id: '0-0', event_types: [], indicators: [], units: [] })
      .execute()
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify(error)).toContain(secret); // what pg's detail holds
    const logged = loggableError(new Error('request failed', { cause: error }));
    expect(JSON.stringify(logged)).not.toContain(secret);
    expect(logged).toMatchObject({ cause: { code: '23514', table: 'webhook_subscription', constraint: expect.stringContaining('url') as unknown } });
  });
});
