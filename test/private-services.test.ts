import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './support/private-services.js';

// The harness the fault drills and outage tests stand on: a restart must keep PostgreSQL's data, and Redis's only with AOF.
describe('private services', () => {
  const stops: (() => Promise<void> | void)[] = [];
  afterAll(async () => { for (const s of stops) await s(); });

  it('PostgreSQL keeps committed rows across a fast restart', async () => {
    const postgres: PrivatePostgres = await startPrivatePostgres();
    stops.push(() => { postgres.destroy(); });
    const url = await postgres.createDatabase('drill');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('create table t (n int); insert into t values (1), (2)');
    await client.end();
    await postgres.restart('fast');
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    expect((await again.query<{ n: string }>('select count(*) as n from t')).rows[0]?.n).toBe('2');
    await again.end();
  });

  it('Redis loses everything on a restart without persistence and keeps it with AOF', async () => {
    const plain: PrivateRedis = await startPrivateRedis();
    const aof: PrivateRedis = await startPrivateRedis({ persistence: 'aof' });
    stops.push(() => plain.destroy(), () => aof.destroy());
    for (const server of [plain, aof]) {
      const r = new Redis(server.url);
      await r.set('k', 'v');
      r.disconnect();
      await server.restart('kill');
      const after = new Redis(server.url);
      expect(await after.get('k')).toBe(server.persistence === 'aof' ? 'v' : null);
      after.disconnect();
    }
  });
});
