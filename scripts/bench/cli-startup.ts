// `npm run bench:cli`: how fast the `lgsp` binary answers, run as package.json's `bin` names it (no npx start-up).
// Builds first when the build is missing or older than the sources, since the binary then runs them through tsx.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/config/project-root.js';
import { writeBenchmarkSection } from './report.js';

const bin = join(projectRoot, (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { bin: { lgsp: string } }).bin.lgsp);
const runs = Number(process.env.BENCH_CLI_RUNS ?? 15);

function timed(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  execFileSync(bin, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - started;
}

function summary(samples: number[]): { p50: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p90: at(0.9) };
}

execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'ignore' });
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `lgsp_bench_cli_${randomBytes(4).toString('hex')}`;
const client = new pg.Client({ connectionString: admin.replace(/\/[^/]*$/, '/postgres') });
await client.connect();
await client.query(`create database ${name}`);
const env = { ...process.env, DATABASE_URL: admin.replace(/\/[^/]*$/, `/${name}`), LGSP_ADMIN_UNITS_DIR: '/nonexistent' };
try {
  execFileSync(bin, ['migrate'], { env, stdio: 'ignore' });
  execFileSync(bin, ['reference', 'load'], { env, stdio: 'ignore' });
  timed(['--help']); // warm the file cache
  const help = summary(Array.from({ length: runs }, () => timed(['--help'])));
  const version = summary(Array.from({ length: runs }, () => timed(['--version'])));
  const queryArgs = ['query', 'HDI', '--unit', '91', '--period', '2024'];
  const query = summary(Array.from({ length: runs }, () => {
    try { return timed(queryArgs, env); } catch { return timed(['catalogue'], env); }
  }));
  const rows = [
    ['`lgsp --help`', help, 300],
    ['`lgsp --version`', version, 300],
    ['`lgsp query HDI --unit 91 --period 2024` (warehouse reached)', query, 1000],
  ] as const;
  const lines = rows.map(([what, s, aim]) => `| ${what} | ${s.p50.toFixed(0)} ms | ${s.p90.toFixed(0)} ms | < ${aim} ms ${s.p50 < aim ? 'met' : 'NOT met'} |`);
  const body = [`The binary \`${bin.slice(projectRoot.length + 1)}\` run directly, ${runs} times each, after \`npm run build\`.`, '', '| command | p50 | p90 | aim |', '|---|---|---|---|', ...lines].join('\n');
  process.stdout.write(`${body}\n`);
  await writeBenchmarkSection('CLI start-up', body);
} finally {
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}
