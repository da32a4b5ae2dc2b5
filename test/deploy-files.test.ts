import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '../src/config/env.js';
import { projectRoot } from '../src/config/project-root.js';
import { freePort } from './support/private-services.js';

/** What the deployment files start must exist in the source: `dist/workers/x.js` is built from `workers/x.ts`. */
function sourceOf(builtScript: string): string {
  return join(projectRoot, builtScript.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

describe('systemd units (deploy/systemd/)', () => {
  const dir = join(projectRoot, 'deploy/systemd');
  const services = ['lgsp-api.service', 'lgsp-worker@.service', 'lgsp-scheduler.service', 'lgsp-relay.service', 'lgsp-webhooks.service', 'lgsp-all-in-one.service'];
  /** key=value lines of a unit file, every value of a repeated key. */
  const keys = (file: string) => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => /^[A-Za-z]+=/.test(l));
    return (key: string) => lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  };

  it('every role has a unit: environment file, restart on failure, hardening, after PostgreSQL and Redis, a script that exists', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.service')).sort()).toEqual([...services].sort());
    for (const file of services) {
      const get = keys(file);
      expect(get('EnvironmentFile'), file).toEqual(['/etc/lgsp/lgsp.env']);
      expect(get('Restart'), file).toEqual(['on-failure']);
      expect(get('RestartPreventExitStatus'), file).toEqual(['78']);
      expect(get('User'), file).toEqual(['lgsp']);
      for (const [key, value] of ([['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes'], ['ProtectHome', 'yes'], ['ReadWritePaths', '/var/lib/lgsp']] as const)) {
        expect(get(key), `${file} ${key}`).toEqual([value]);
      }
      expect(get('After')[0], file).toMatch(/postgresql\.service redis-server\.service/);
      const script = /^\/usr\/bin\/node \/opt\/lgsp-connect\/(\S+)/.exec(get('ExecStart')[0] ?? '')?.[1];
      expect(script, file).toBeDefined();
      expect(existsSync(sourceOf(String(script))), `${file}: ${String(script)}`).toBe(true);
    }
    expect(keys('lgsp.target')('Wants')[0]?.split(' ').sort()).toEqual(
      ['lgsp-api.service', 'lgsp-relay.service', 'lgsp-scheduler.service', 'lgsp-webhooks.service', 'lgsp-worker@1.service'],
    );
    expect(keys('lgsp-all-in-one.service')('Conflicts')).toEqual(['lgsp.target']);
  });

  it.runIf(spawnSync('systemd-analyze', ['--version']).status === 0)('pass systemd-analyze verify', () => {
    const copy = mkdtempSync(join(tmpdir(), 'lgsp-units-'));
    try {
      // An instance of the worker template is verified too, as systemd would load it.
      for (const file of [...services, 'lgsp.target']) copyFileSync(join(dir, file), join(copy, file));
      copyFileSync(join(dir, 'lgsp-worker@.service'), join(copy, 'lgsp-worker@1.service'));
      const verified = spawnSync('systemd-analyze', ['verify', ...readdirSync(copy).map((f) => join(copy, f))], { encoding: 'utf8', cwd: copy });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('the example environment file sets only variables of the config schema', () => {
    const names = readFileSync(join(dir, 'lgsp.env.example'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    const known = Object.keys(envSchema.shape);
    expect(names.filter((n) => !known.includes(String(n)))).toEqual([]);
  });
});

interface ComposeService {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly restart?: string;
  readonly profiles?: readonly string[];
  readonly ports?: readonly string[];
  readonly container_name?: string;
  readonly volumes?: readonly string[];
  readonly environment?: Record<string, string>;
  readonly healthcheck?: { readonly test?: readonly string[]; readonly disable?: boolean };
  readonly depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml and the Dockerfile', () => {
  const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const { services } = compose;

  it('keeps PostgreSQL and Redis as scripts/services.sh starts them, Redis with AOF on a named volume', () => {
    expect(services.postgres?.profiles).toBeUndefined();
    expect(services.redis?.profiles).toBeUndefined();
    expect(services.postgres?.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(services.redis?.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(services.redis?.command?.join(' ')).toMatch(/--maxmemory-policy noeviction --appendonly yes/);
    expect(services.redis?.volumes).toEqual(['redisdata:/data']);
    expect(Object.keys(compose.volumes)).toContain('redisdata');
    expect(readFileSync(join(projectRoot, 'scripts/services.sh'), 'utf8')).toMatch(/docker compose up -d postgres[\s\S]*docker compose up -d redis/);
  });

  it('runs each role as a service of the app profile: restarted, health-checked, after PostgreSQL, Redis and the migration', () => {
    for (const name of ['api', 'worker', 'scheduler', 'relay', 'webhooks']) {
      const s = services[name];
      expect(s, name).toBeDefined();
      expect(s?.profiles, name).toEqual(['app']);
      expect(s?.restart, name).toBe('unless-stopped');
      expect(s?.healthcheck?.test?.[0], name).toBe('CMD');
      expect(s?.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' }, setup: { condition: 'service_completed_successfully' },
      });
      const [node, script] = s?.command ?? [];
      expect(node, name).toBe('node');
      expect(existsSync(sourceOf(String(script))), `${name}: ${String(script)}`).toBe(true);
    }
    // --scale worker=N: no fixed name or host port on the worker.
    expect(services.worker?.container_name).toBeUndefined();
    expect(services.worker?.ports).toBeUndefined();
    expect(services.api?.healthcheck?.test?.join(' ')).toMatch(/127\.0\.0\.1:8080\/health/);
    expect(existsSync(sourceOf(String(services.worker?.healthcheck?.test?.[2])))).toBe(true);
    expect(services.setup?.restart).toBe('no');
    expect(Object.keys(services.worker?.environment ?? {}).every((n) => n in envSchema.shape)).toBe(true);
  });

  it('the image: multi-stage, production dependencies only, not root, the all-in-one process by default', () => {
    const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20-bookworm-slim AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/cli\/main\.js", "serve", "--all"\]$/m);
  });

  it('the workers\' health probe exits 0 when PostgreSQL and Redis answer, 1 with the reason when one does not', async () => {
    const probe = (env: Record<string, string>) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'workers/health-check.ts'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => { resolve({ code, stderr }); });
    });
    expect(await probe({})).toEqual({ code: 0, stderr: '' });
    const down = await probe({ REDIS_URL: `redis://127.0.0.1:${String(await freePort())}` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^unhealthy: Redis is not reachable at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it.runIf(spawnSync('docker', ['compose', 'version']).status === 0)('docker compose config accepts the file', () => {
    const checked = spawnSync('docker', ['compose', '--profile', 'app', 'config', '--quiet'], { cwd: projectRoot, encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });
});
