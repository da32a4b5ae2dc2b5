import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * PostgreSQL and Redis servers of a test's own: own port, own data under a temporary folder, so a test (or a fault
 * drill) can stop, kill and restart them without touching the machine's shared services that other tests use.
 * PostgreSQL's server binaries run as the `postgres` user (initdb refuses root).
 */

/** A free TCP port on 127.0.0.1 (the kernel picks one; a race with another process is possible but rare). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { if (address && typeof address === 'object') resolve(address.port); else reject(new Error('no port')); });
    });
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (install postgresql)');
}

function asPostgres(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr || r.stdout}`);
}

export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

export interface PrivatePostgres {
  readonly port: number;
  /** Superuser URL of database `postgres`; `urlFor(name)` for another database. */
  readonly url: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  stop(mode?: PostgresStopMode): void;
  start(): Promise<void>;
  /** Stop (fast, as `pg_ctl restart -m fast` does) and start again on the same port and data. */
  restart(mode?: PostgresStopMode): Promise<void>;
  /** Stop and delete the data folder. */
  destroy(): void;
}

/** A PostgreSQL cluster of its own: initdb in a temporary folder, trust auth, fsync off (test data only). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) chownSync(dir, uid('postgres'), gid('postgres'));
  asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const ready = async () => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const start = async () => {
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
    await waitUntil(`private PostgreSQL on ${port}`, ready);
  };
  const stop = (mode: PostgresStopMode = 'fast') => {
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
  };
  await start();
  return {
    port,
    url: urlFor('postgres'),
    urlFor,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop,
    start,
    async restart(mode = 'fast') {
      stop(mode);
      await start();
    },
    destroy() {
      try { stop('immediate'); } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}
function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly persistence: 'none' | 'aof';
  /** Stop: `kill` is SIGKILL (an AOF keeps what was fsynced, every write here); `shutdown` is SHUTDOWN NOSAVE. */
  stop(how?: 'kill' | 'shutdown'): Promise<void>;
  start(): Promise<void>;
  restart(how?: 'kill' | 'shutdown'): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A redis-server of its own on a free port: without persistence (everything is lost on a restart) or with AOF.
 * `cluster`: a one-node Redis Cluster owning every slot, so multi-key commands across slots fail with CROSSSLOT
 * as on a real Cluster, while a plain connection still reaches every key.
 */
export async function startPrivateRedis(options: { persistence?: 'none' | 'aof'; cluster?: boolean } = {}): Promise<PrivateRedis> {
  const persistence = options.persistence ?? 'none';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction',
    ...(persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.cluster === true ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')] : [])];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    r.on('error', () => undefined);
    try {
      await r.connect();
      // With AOF, the server answers LOADING until the file is replayed.
      await r.ping();
      return true;
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const start = async () => {
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    await waitUntil(`private Redis on ${port}`, async () => {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${String(started.exitCode)}`);
      return ping();
    });
  };
  const stop = async (how: 'kill' | 'shutdown' = 'kill') => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    if (how === 'kill') running.kill('SIGKILL');
    else {
      const r = new Redis(url, { maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      await r.call('shutdown', 'nosave').catch(() => undefined);
      r.disconnect();
    }
    await exited;
    child = null;
  };
  await start();
  if (options.cluster === true) await assignAllSlots(url);
  return {
    port,
    url,
    persistence,
    stop,
    start,
    async restart(how = 'kill') {
      await stop(how);
      await start();
    },
    async destroy() {
      await stop('kill');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes a cluster-enabled node own slots 0..16383 and waits until it says the cluster is ok. */
async function assignAllSlots(url: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    await r.call('cluster', 'addslotsrange', '0', '16383');
    await waitUntil('the one-node cluster to be ok', async () => String(await r.call('cluster', 'info')).includes('cluster_state:ok'));
  } finally {
    r.disconnect();
  }
}

export interface PrivateSentinel {
  readonly port: number;
  /** The master group the sentinel monitors. */
  readonly masterName: string;
  destroy(): Promise<void>;
}

/** A redis-sentinel of its own on a free port, monitoring the Redis on `masterPort` as `masterName` (quorum 1). */
export async function startPrivateSentinel(masterPort: number, masterName = 'lgsp-test'): Promise<PrivateSentinel> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-sentinel-'));
  const configFile = join(dir, 'sentinel.conf');
  // A sentinel rewrites its config file, so it gets one of its own.
  writeFileSync(configFile, [`port ${String(port)}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${masterName} 127.0.0.1 ${String(masterPort)} 1`, ''].join('\n'));
  const child = spawn('redis-server', [configFile, '--sentinel'], { stdio: 'ignore' });
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await waitUntil(`private sentinel on ${String(port)}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server --sentinel exited with ${String(child.exitCode)}`);
      try {
        if (r.status !== 'ready') await r.connect();
        const master = (await r.call('sentinel', 'get-master-addr-by-name', masterName)) as string[] | null;
        return master?.[1] === String(masterPort);
      } catch {
        return false;
      }
    });
  } finally {
    r.disconnect();
  }
  return {
    port,
    masterName,
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
