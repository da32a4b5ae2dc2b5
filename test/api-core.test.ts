import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';

describe('API core: keys, scopes, problems, OpenAPI', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LGSP_API_RATE_LIMIT: '5' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves a valid OpenAPI 3.1 document naming every route', async () => {
    const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
    expect(res.statusCode).toBe(200);
    const document = res.json<OpenAPIV3_1.Document>();
    expect(document.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(Object.keys(document.paths ?? {})).toEqual(expect.arrayContaining(['/health', '/v1/whoami', '/v1/apikeys', '/v1/apikeys/{id}']));
    const docs = await api.request({ method: 'GET', url: '/docs/', as: null });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers health without a key', async () => {
    const res = await api.request({ method: 'GET', url: '/health', as: null });
    expect(res.json()).toEqual({ status: 'ok', postgres: true, redis: true });
  });

  it('401 without a key or with a wrong one, 403 without the scope, 200 with it', async () => {
    const missing = await api.request({ method: 'GET', url: '/v1/apikeys', as: null });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING', type: 'urn:lgsp-connect:problem:api-key-missing' });

    const wrong = await api.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${api.keys.read.slice(0, -2)}xx` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'API_KEY_INVALID' });

    const forbidden = await api.request({ method: 'GET', url: '/v1/apikeys', as: 'read' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<{ detail: string }>().detail).toContain('needs "admin"');

    const ok = await api.request({ method: 'GET', url: '/v1/apikeys', as: 'admin' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ name: string }[]>().map((k) => k.name).sort()).toEqual(['test admin', 'test operate', 'test read']);
    expect(ok.body).not.toContain(api.keys.admin.split('_')[2]);
  });

  it('accepts X-API-Key as well as a bearer token', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/whoami', headers: { 'x-api-key': api.keys.operate } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'test operate', scopes: ['operate'] });
  });

  it('400 names the field; a created key works once and not after revocation; 404 for an unknown key', async () => {
    const bad = await api.request({ method: 'POST', url: '/v1/apikeys', as: 'admin', payload: { name: 'x', scopes: ['write'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'body.scopes.0' })] });

    const created = await api.request({ method: 'POST', url: '/v1/apikeys', as: 'admin', payload: { name: 'dashboard', scopes: ['read'] } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json<{ id: string; key: string }>();
    expect((await api.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect((await api.request({ method: 'DELETE', url: `/v1/apikeys/${id}`, as: 'admin' })).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
    const unknown = await api.request({ method: 'DELETE', url: `/v1/apikeys/${id}`, as: 'admin' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('404 problem for an unknown route', async () => {
    const res = await api.request({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('limits requests per key, counted apart for each key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await api.request({ method: 'GET', url: '/v1/whoami', as: 'operate' })).statusCode);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const limited = await api.request({ method: 'GET', url: '/v1/whoami', as: 'operate' });
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another key still has its own allowance.
    const fresh = await api.request({ method: 'POST', url: '/v1/apikeys', as: 'admin', payload: { name: 'other', scopes: ['read'] } });
    const other = await api.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${fresh.json<{ key: string }>().key}` } });
    expect(other.statusCode).toBe(200);
  });
});
