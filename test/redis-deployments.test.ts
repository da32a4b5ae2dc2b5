import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { createRedis, parseSentinelUrl, redisDatabase } from '../src/config/redis-connection.js';
import { ConfigError } from '../src/errors.js';
import { redactUrl } from '../src/logger.js';
import { checkRedis } from '../src/process/service-checks.js';
import { createSyncQueue, queueConnectionOptions, syncQueueName, workersOnQueue } from '../src/queue/sync-queue.js';
import { freePort, startPrivateRedis, startPrivateSentinel, type PrivateRedis, type PrivateSentinel } from './support/private-services.js';
import { waitFor } from './support/worker-process.js';

describe('Sentinel URLs', () => {
  it('are parsed into the sentinels, the master group, the database and the passwords', () => {
    expect(parseSentinelUrl('redis+sentinel://10.0.0.1:26380,sentinel-b,[::1]:26381/mymaster')).toEqual({
      sentinels: [{ host: '10.0.0.1', port: 26380 }, { host: 'sentinel-b', port: 26379 }, { host: '::1', port: 26381 }],
      name: 'mymaster',
      db: 0,
    });
    expect(parseSentinelUrl('redis+sentinel://lgsp:p%40ss@s1:26379/mymaster/3?sentinelPassword=s3cret')).toEqual({
      sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', db: 3, username: 'lgsp', password: 'p@ss', sentinelPassword: 's3cret',
    });
    expect(parseSentinelUrl('redis+sentinel://:pw@s1/m')).toMatchObject({ password: 'pw', name: 'm' });
    expect(redisDatabase('redis+sentinel://s1/m/5')).toBe(5);
    expect(redisDatabase('redis://127.0.0.1:6379/2')).toBe(2);
    expect(redisDatabase('redis://127.0.0.1:6379')).toBe(0);
  });

  it('are accepted as REDIS_URL, and a wrong one stops start-up naming REDIS_URL and the expected form', () => {
    const url = 'redis+sentinel://s1:26379,s2:26379/mymaster';
    expect(loadConfig({ REDIS_URL: url }).queue.redisUrl).toBe(url);
    expect(queueConnectionOptions(url)).toEqual({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'mymaster', db: 0, maxRetriesPerRequest: null });
    expect(queueConnectionOptions('redis://127.0.0.1:6379')).toEqual({ url: 'redis://127.0.0.1:6379', maxRetriesPerRequest: null });
    for (const bad of ['redis+sentinel://s1:26379', 'redis+sentinel://s1:99999/m', 'redis+sentinel://s1/m?password=x', 'redis+sentinel:///m']) {
      expect(() => loadConfig({ REDIS_URL: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ REDIS_URL: bad }), bad).toThrow(/REDIS_URL=.*a Sentinel URL: .*e\.g\. redis\+sentinel:\/\/host1:26379,host2:26379\/mymaster/);
    }
  });

  it('keep their passwords out of messages', () => {
    expect(redactUrl('redis+sentinel://lgsp:hunter2@s1:26379,s2/m')).toBe('redis+sentinel://lgsp:***@s1:26379,s2/m');
  });
});

describe('the queue prefix', () => {
  it('accepts one Redis Cluster hash tag', () => {
    expect(loadConfig({}).queue.prefix).toBe('lgsp');
    expect(loadConfig({ LGSP_QUEUE_PREFIX: '{lgsp}' }).queue.prefix).toBe('{lgsp}');
    expect(loadConfig({ LGSP_QUEUE_PREFIX: 'an-giang:{lgsp}' }).queue.prefix).toBe('an-giang:{lgsp}');
  });

  it('refuses at start-up, naming LGSP_QUEUE_PREFIX, an empty tag, two tags, unbalanced braces or other characters', () => {
    for (const bad of ['{}', '{a}{b}', 'lgsp}', '{lgsp', 'lg sp', '{lg}sp}']) {
      expect(() => loadConfig({ LGSP_QUEUE_PREFIX: bad }), bad).toThrow(/LGSP_QUEUE_PREFIX=.*with at most one non-empty hash tag in braces for Redis Cluster, e\.g\. \{lgsp\}/);
    }
  });
});

describe('BullMQ on a Redis Cluster node (one node owning every slot)', () => {
  let cluster: PrivateRedis;
  beforeAll(async () => { cluster = await startPrivateRedis({ cluster: true }); });
  afterAll(async () => { await cluster.destroy(); });

  it('with a hash-tagged prefix: a job runs, and every key of the queue is in one slot', async () => {
    const prefix = `{lgsp-${randomBytes(3).toString('hex')}}`;
    const queue = createSyncQueue({ redisUrl: cluster.url, prefix });
    const worker = new Worker(syncQueueName, (job) => Promise.resolve(job.data), { connection: queueConnectionOptions(cluster.url), prefix });
    const redis = createRedis(cluster.url);
    try {
      const job = await queue.add('sync', { connectionId: 'c1', runId: 1 });
      await waitFor('the job to complete', async () => (await queue.getJobState(String(job.id))) === 'completed');
      expect(await workersOnQueue(queue, cluster.url)).toBe(1);
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(3);
      const slots = new Set(await Promise.all(keys.map((key) => redis.call('cluster', 'keyslot', key))));
      expect([...slots]).toEqual([await redis.call('cluster', 'keyslot', prefix)]);
    } finally {
      await worker.close();
      await queue.close();
      redis.disconnect();
    }
  });

  it('without the tag, Redis refuses BullMQ\'s scripts (CROSSSLOT): why the tag is needed', async () => {
    const queue = createSyncQueue({ redisUrl: cluster.url, prefix: `lgsp-${randomBytes(3).toString('hex')}` });
    try {
      await expect(queue.add('sync', { connectionId: 'c1', runId: 1 })).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await queue.close();
    }
  });
});

describe('a Redis behind a Sentinel', () => {
  let master: PrivateRedis;
  let sentinel: PrivateSentinel;
  beforeAll(async () => {
    master = await startPrivateRedis();
    sentinel = await startPrivateSentinel(master.port);
  });
  afterAll(async () => {
    await sentinel.destroy();
    await master.destroy();
  });

  it('is reached through the sentinel: start-up check, plain connections and the queue', async () => {
    const url = `redis+sentinel://127.0.0.1:${String(sentinel.port)}/${sentinel.masterName}`;
    await checkRedis(url);
    const redis = createRedis(url);
    const queue = createSyncQueue({ redisUrl: url, prefix: 'lgsp-sentinel' });
    const direct = createRedis(master.url);
    const directQueue = createSyncQueue({ redisUrl: master.url, prefix: 'lgsp-sentinel' });
    try {
      await redis.set('lgsp-sentinel-probe', 'through the sentinel');
      expect(await direct.get('lgsp-sentinel-probe')).toBe('through the sentinel');
      await queue.add('sync', { connectionId: 'c1', runId: 7 });
      expect(await directQueue.getWaitingCount()).toBe(1);
    } finally {
      await Promise.all([queue.close(), directQueue.close()]);
      redis.disconnect();
      direct.disconnect();
    }
  });

  it('an unreachable sentinel fails the start-up check with SERVICE_UNAVAILABLE instead of waiting', async () => {
    const url = `redis+sentinel://127.0.0.1:${String(await freePort())}/${sentinel.masterName}`;
    await expect(checkRedis(url)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
