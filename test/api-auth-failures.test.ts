import { randomBytes } from 'node:crypto';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedAs } from '../src/api/auth-failures.js';
import { VerifiedKeyCache } from '../src/api/key-cache.js';
import { createApiKey, LastAdminKeyError, revokeApiKey } from '../src/warehouse/api-keys.js';
import { runCli } from './support/run-cli.js';
import { startTestApi, testRedisUrl, type TestApi } from './support/test-api.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** Counts the key lookups (SELECTs from api_key) that reach PostgreSQL through the real Kysely. */
class KeyLookupCounter implements KyselyPlugin {
  lookups = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"api_key"')) this.lookups += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** A well-formed key nobody created. */
const forgedKey = () => `lgsp_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const idOf = (key: string) => key.split('_')[1] ?? '';

describe('API: failed authentications counted per client address; the last admin key stays', () => {
  let t: TestDatabase;
  let api: TestApi;
  const counter = new KeyLookupCounter();
  beforeAll(async () => {
    t = await createTestDatabase();
    api = await startTestApi({ LGSP_API_AUTH_FAILURE_LIMIT: '3', LGSP_API_AUTH_FAILURE_WINDOW_S: '300' }, { database: { ...t, db: t.db.withPlugin(counter) } });
  });
  afterAll(async () => {
    await api.close();
    await t.drop();
  });

  const whoami = (remoteAddress: string, headers: Record<string, string> = {}, url = '/v1/whoami') =>
    api.app.inject({ method: 'GET', url, remoteAddress, headers });

  it('after the limit of bad keys, 429 with Retry-After and no key looked up, a valid key included; other addresses unaffected', async () => {
    const before = counter.lookups;
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await whoami('10.0.0.1', { authorization: `Bearer ${forgedKey()}` })).statusCode);
    expect(first).toEqual([401, 401, 401]);
    expect(counter.lookups - before).toBe(3);
    expect(await api.deps.redis.get(`${api.deps.config.queue.prefix}:authfail:10.0.0.1`)).toBe('3');

    const valid = await createApiKey(t.db, 'never looked up', ['read']);
    const afterLimit = counter.lookups;
    for (const key of [forgedKey(), forgedKey(), valid.key]) {
      const res = await whoami('10.0.0.1', { authorization: `Bearer ${key}` });
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 429, code: 'AUTH_FAILURES_LIMITED', title: 'Too Many Requests' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(300);
    }
    expect(counter.lookups).toBe(afterLimit);
    // Public routes stay open; another address still authenticates.
    expect((await api.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    expect((await whoami('10.0.0.2', { authorization: `Bearer ${valid.key}` })).statusCode).toBe(200);
  });

  it('a burst of bad keys at once gets no more lookups than the limit: each attempt is counted before its key is looked up', async () => {
    const before = counter.lookups;
    const burst = await Promise.all(Array.from({ length: 40 }, () => whoami('10.0.5.5', { authorization: `Bearer ${forgedKey()}` })));
    const statuses = burst.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(37);
    expect(counter.lookups - before).toBe(3);
    expect(await api.deps.redis.get(`${api.deps.config.queue.prefix}:authfail:10.0.5.5`)).toBe('3');
  });

  it('valid keys give their attempt back: many requests at once from one address are not failures', async () => {
    const key = (await createApiKey(t.db, 'busy dashboard', ['read'])).key;
    const burst = await Promise.all(Array.from({ length: 20 }, () => whoami('10.0.6.6', { authorization: `Bearer ${key}` })));
    expect(burst.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(await api.deps.redis.get(`${api.deps.config.queue.prefix}:authfail:10.0.6.6`)).toBe('0');
  });

  it('an IPv6 client is counted by its /64, an IPv4 one (mapped or not) by itself', () => {
    expect(countedAs('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(countedAs('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(countedAs('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(countedAs('203.0.113.9')).toBe('203.0.113.9');
  });

  it('a missing key and a key without the scope count as failures too', async () => {
    const missing = [];
    for (let i = 0; i < 4; i++) missing.push((await whoami('10.0.0.3')).statusCode);
    expect(missing).toEqual([401, 401, 401, 429]);
    const wrongScope = [];
    for (let i = 0; i < 4; i++) wrongScope.push((await whoami('10.0.0.4', { authorization: `Bearer ${api.keys.read}` }, '/v1/apikeys')).statusCode);
    expect(wrongScope).toEqual([403, 403, 403, 429]);
  });

  it('bad keys are not remembered, so they cannot push a good key out of the verified-key cache', async () => {
    const local = new KeyLookupCounter();
    const cache = new VerifiedKeyCache(t.db.withPlugin(local), 60_000);
    expect(await cache.verify(api.keys.operate)).toMatchObject({ name: 'test operate' });
    for (let i = 0; i < 50; i++) expect(await cache.verify(forgedKey())).toBeNull();
    const lookups = local.lookups;
    expect(await cache.verify(api.keys.operate)).toMatchObject({ name: 'test operate' });
    expect(local.lookups).toBe(lookups);
  });

  it('X-Forwarded-For is ignored by default: rotating it does not escape the per-address count', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await whoami('10.0.1.1', { 'x-forwarded-for': `192.0.2.${i}`, authorization: `Bearer ${forgedKey()}` })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('X-Forwarded-For is believed from a configured proxy only', async () => {
    const behindProxy = await startTestApi({ LGSP_API_AUTH_FAILURE_LIMIT: '3', LGSP_API_TRUST_PROXY: '10.0.2.0/24' }, { database: t });
    try {
      const fail = (remoteAddress: string, forwardedFor: string) =>
        behindProxy.app.inject({ method: 'GET', url: '/v1/whoami', remoteAddress, headers: { 'x-forwarded-for': forwardedFor, authorization: `Bearer ${forgedKey()}` } });
      const client = [];
      for (let i = 0; i < 4; i++) client.push((await fail('10.0.2.1', '198.51.100.7')).statusCode);
      expect(client).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy has its own count.
      expect((await fail('10.0.2.1', '198.51.100.8')).statusCode).toBe(401);
      expect(await behindProxy.deps.redis.get(`${behindProxy.deps.config.queue.prefix}:authfail:198.51.100.7`)).toBe('3');
      // Not from the proxy: the header is the client's own claim, and the socket's address is counted.
      for (let i = 0; i < 3; i++) await fail('10.0.3.3', `203.0.113.${i}`);
      expect(await behindProxy.deps.redis.get(`${behindProxy.deps.config.queue.prefix}:authfail:10.0.3.3`)).toBe('3');
    } finally {
      await behindProxy.close();
    }
  });

  /** Test set-up: revokes every active admin key but `keep`, straight in the table. */
  const onlyAdmins = async (...keep: string[]) => {
    await t.db.updateTable('api_key').set({ revoked_at: new Date() })
      .where('revoked_at', 'is', null).where(sql<boolean>`'admin' = any(scopes)`).where('id', 'not in', keep).execute();
  };

  it('the last active admin key cannot be revoked, through the API or the CLI', async () => {
    const adminId = idOf(api.keys.admin);
    await onlyAdmins(adminId);
    const res = await api.request({ method: 'DELETE', url: `/v1/apikeys/${adminId}`, as: 'admin' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, code: 'LAST_ADMIN_KEY', title: 'Conflict' });
    expect((await api.request({ method: 'GET', url: '/v1/whoami', as: 'admin' })).statusCode).toBe(200);

    const cli = await runCli(['apikey', 'revoke', adminId], { DATABASE_URL: t.url, REDIS_URL: testRedisUrl });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('error [LAST_ADMIN_KEY]');
    // With a second admin key, one of them may go.
    const second = await createApiKey(t.db, 'second admin', ['admin']);
    expect((await api.request({ method: 'DELETE', url: `/v1/apikeys/${second.id}`, as: 'admin' })).statusCode).toBe(204);
  });

  it('of the last two admin keys revoked at once, exactly one goes', async () => {
    for (let round = 0; round < 5; round++) {
      const [x, y] = await Promise.all([createApiKey(t.db, `admin x${round}`, ['admin']), createApiKey(t.db, `admin y${round}`, ['admin'])]);
      await onlyAdmins(x.id, y.id);
      const outcomes = await Promise.allSettled([revokeApiKey(t.db, x.id), revokeApiKey(t.db, y.id)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(refused[0]?.reason).toBeInstanceOf(LastAdminKeyError);
    }
  });
});
