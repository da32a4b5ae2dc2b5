// npm run bench:ingest [-- --sizes 100000,1000000]
// Syncs a synthetic source through the real stages and measures throughput, re-sync cost, peak memory and the
// ratio to a COPY of the same normalised rows. Each size runs in a process of its own (clean peak RSS).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { loadConfig } from '../../src/config/env.js';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun } from '../../src/warehouse/sync-runs.js';
import { createBenchDatabase } from './bench-database.js';
import { writeBenchmarkSection } from './report.js';
import { startSyntheticSource, syntheticConnector } from './synthetic-source.js';

interface IngestResult {
  records: number;
  observations: number;
  firstSyncSeconds: number;
  recordsPerSecond: number;
  resyncSeconds: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  ratioToCopy: number;
  resyncShare: number;
  peakRssMb: number;
  indicatorValues: number;
}

const pageSize = 5000;

async function measure(records: number): Promise<IngestResult> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const bench = await createBenchDatabase(config.databaseUrl, `lgsp_bench_ingest_${process.pid}`);
  try {
    const reference = await loadReferenceData(bench.db, { adminUnitsDir: config.adminUnitsDir });
    if (!reference.adminUnits.communesLoaded) throw new Error(`the benchmark needs the commune files (LGSP_ADMIN_UNITS_DIR=${config.adminUnitsDir})`);
    const communes = (await bench.db.selectFrom('admin_unit').select('code').where('level', '=', 'commune').where('valid_to', '=', '2025-06-30').orderBy('code').execute()).map((r) => r.code);
    const source = await startSyntheticSource(records, communes);
    await insertConnection(bench.db, { id: 'bench', connectorId: syntheticConnector.id, name: 'benchmark', config: { baseUrl: source.baseUrl, pageSize }, secretRefs: {} });
    const deps = { db: bench.db, logger, connectors: new ConnectorRegistry([syntheticConnector]), boundary: loadConfig({ LGSP_EGRESS_ALLOW: '127.0.0.1/32' }).boundary }; // the synthetic source is on loopback
    const sync = async (mode: 'incremental' | 'full_refresh') => {
      const { run } = await createRun(bench.db, { connectionId: 'bench', mode });
      const started = performance.now();
      let lastReport = started;
      const done = await executeRun(deps, run.id, {
        signal: new AbortController().signal,
        onPage: ({ total }) => {
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            process.stderr.write(`  ${mode}: ${total.records_fetched.toLocaleString('en')} of ${records.toLocaleString('en')} records\n`);
          }
        },
      });
      if (done.status !== 'succeeded') throw new Error(`benchmark sync ${done.status}`);
      return { seconds: (performance.now() - started) / 1000, run: done };
    };
    const first = await sync('incremental');
    const resync = await sync('full_refresh');
    if (resync.run.records_unchanged !== records) throw new Error(`re-sync saw ${resync.run.records_unchanged} unchanged records, expected ${records}`);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    await source.close();

    const copy = await copyBaseline(bench.url);
    const indicatorValues = Number((await bench.db.selectFrom('indicator_value').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const observations = copy.rows;
    const ingestRowsPerSecond = observations / first.seconds;
    return {
      records,
      observations,
      firstSyncSeconds: first.seconds,
      recordsPerSecond: records / first.seconds,
      resyncSeconds: resync.seconds,
      copySeconds: copy.seconds,
      copyRowsPerSecond: observations / copy.seconds,
      ratioToCopy: ingestRowsPerSecond / (observations / copy.seconds),
      resyncShare: resync.seconds / first.seconds,
      peakRssMb,
      indicatorValues,
    };
  } finally {
    // BENCH_KEEP=1 leaves the database for a look with psql.
    if (process.env.BENCH_KEEP === '1') await bench.db.destroy();
    else await bench.drop();
  }
}

/** The physical limit: the same normalised rows COPYed into the same observation table, in the same database. */
async function copyBaseline(url: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    const columns = 'indicator_code, unit_id, period_code, value, status, measure_unit, connection_id, raw_record_ids';
    await pipeline(client.query(copyTo(`copy (select ${columns} from observation) to stdout`)), new Writable({
      write: (c: Buffer, _e, cb) => {
        chunks.push(c);
        cb();
      },
    }));
    const rows = Number((await client.query<{ n: string }>('select count(*) as n from observation')).rows[0]?.n ?? 0);
    await client.query('truncate observation');
    const started = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom(`copy observation (${columns}) from stdin`)));
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function report(results: IngestResult[]): string {
  const rows = results.map((r) =>
    `| ${fmt(r.records)} | ${fmt(r.observations)} | ${fmt(r.firstSyncSeconds, 1)} s | ${fmt(r.recordsPerSecond)} | ${fmt(r.copyRowsPerSecond)} rows/s | ${fmt(r.ratioToCopy, 2)} | ${fmt(r.resyncSeconds, 1)} s (${fmt(r.resyncShare * 100, 1)}%) | ${fmt(r.peakRssMb)} MB | ${fmt(r.indicatorValues)} |`,
  );
  return [
    '| records | observations | first sync | records/s | COPY of the same rows | ratio to COPY | unchanged re-sync | peak RSS | province values |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  const result = await measure(Number(process.argv[childIndex + 1]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const sizesArg = process.argv.indexOf('--sizes');
  const sizes = (sizesArg >= 0 ? (process.argv[sizesArg + 1] ?? '') : '100000,1000000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const results: IngestResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`bench:ingest: ${size.toLocaleString('en')} records...\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', String(size)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as IngestResult);
  }
  const table = report(results);
  process.stdout.write(`${table}\n`);
  await writeBenchmarkSection('Ingest (`npm run bench:ingest`)', [
    'A synthetic dvc-like source (one record per legacy commune and month, two observations each), served over HTTP',
    'by a process of its own, is synced through the real stages (land, normalise, contributions, observations with',
    'revisions and outbox rows, province-level rolled-up and derived values, cursor) into a fresh database; then',
    'synced again unchanged (full refresh). The COPY column loads the same normalised observation rows into the same',
    'table in the same run: the physical limit. Ratio = sync rows/s ÷ COPY rows/s. Each size runs in a process of its',
    'own (peak RSS).',
    '',
    table,
    '',
    'Where the time goes, and why the ratio stays under the aim of 0.3: for each observation COPY writes one row',
    '(three index entries, three foreign-key checks). The sync writes that same row, plus its contribution and its',
    'revision, plus per record a raw row and the record\'s current version, and first looks up what is already there',
    '(record hashes, contributions and the previous value of every touched observation), all in one transaction per',
    'page so that a crash loses nothing and doubles nothing. Measured per 5,000-record page at 100k: observations,',
    'revisions and outbox about 60 % of the page, landing about 20 %, contributions about 15 %. What runs beside the',
    'page writes instead of after them: fetching, parsing and hashing the next page, and the refresh of rolled-up',
    'values (on a connection of its own).',
  ].join('\n'));
}
