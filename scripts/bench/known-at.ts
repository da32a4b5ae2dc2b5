/**
 * `npm run bench:known-at`: a knownAt page (GET /v1/observations?knownAt=, src/warehouse/observation-pages.ts) on a
 * warehouse of a few 100,000 revisions of observed and of computed values. Each key has three revisions (insert
 * 2025-01-01, update 2025-06-01, then an update or, for one key in ten, a remove on 2026-01-01); the pages read the
 * state of 2025-09-01 and of 2026-02-01 (where removed keys are skipped). Median of repeated reads of a page of 100.
 */
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/env.js';
import { readValuePage, type PagePosition, type ValueFilter } from '../../src/warehouse/observation-pages.js';
import type { Db } from '../../src/warehouse/database.js';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import { createBenchDatabase } from './bench-database.js';
import { percentiles } from './processes.js';
import { writeBenchmarkSection } from './report.js';

const months = 60;

/** Three revisions per key of `table`, keys = indicators × provinces × the months of 2021-2025. */
async function seedRevisions(db: Db, table: 'observation_revision' | 'indicator_value_revision'): Promise<number> {
  const keys = sql`
    select i.code as indicator_code, u.id as unit_id, to_char(date '2021-01-01' + make_interval(months => m), 'YYYY-MM') as period_code,
           row_number() over () as n
    from indicator i cross join (select id from admin_unit where level = 'province') u cross join generate_series(0, ${months - 1}) m`;
  const r = await sql<{ n: number }>`
    with k as (${keys}),
    ins as (
      insert into ${sql.table(table)} (indicator_code, unit_id, period_code, change, old_value, new_value, changed_at)
      select indicator_code, unit_id, period_code, v.change, v.old_value, v.new_value, v.at
      from k cross join lateral (values
        ('insert', null::numeric, n::numeric, timestamptz '2025-01-01'),
        ('update', n::numeric, n + 1::numeric, timestamptz '2025-06-01'),
        (case when n % 10 = 0 then 'remove' else 'update' end, n + 1::numeric, case when n % 10 = 0 then null else n + 2 end, timestamptz '2026-01-01')
      ) v(change, old_value, new_value, at)
      order by v.at, indicator_code, unit_id, period_code
      returning 1
    )
    select count(*)::int as n from ins`.execute(db);
  await sql`analyze ${sql.table(table)}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

async function medianMs(read: () => Promise<unknown>, times = 30): Promise<number> {
  await read();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await read();
    ms.push(performance.now() - started);
  }
  return percentiles(ms).p50;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const bench = await createBenchDatabase(config.databaseUrl, 'lgsp_bench_known_at');
  try {
    const { db } = bench;
    await loadReferenceData(db, { adminUnitsDir: null });
    const observed = await seedRevisions(db, 'observation_revision');
    const computed = await seedRevisions(db, 'indicator_value_revision');
    const mid = await sql<{ indicator_code: string; unit_id: number; period_code: string }>`
      select indicator_code, unit_id, period_code from observation_revision order by id offset ${Math.floor(observed / 2)} limit 1`.execute(db);
    const m = mid.rows[0];
    if (!m) throw new Error('no revisions');
    const middle: PagePosition = { order: 'indicator', indicator: m.indicator_code, unitId: m.unit_id, period: m.period_code, kind: 'computed' };
    const all = (knownAt: string): ValueFilter => ({ indicator: null, unitId: null, periods: null, kind: null, knownAt: new Date(knownAt) });
    const cases: [string, () => Promise<unknown>][] = [
      ['first page, both kinds, knownAt 2025-09-01', () => readValuePage(db, all('2025-09-01T00:00:00Z'), null, 100)],
      ['page from the middle (cursor), knownAt 2025-09-01', () => readValuePage(db, all('2025-09-01T00:00:00Z'), middle, 100)],
      ['page from the middle, knownAt 2026-02-01 (1 key in 10 removed: skipped)', () => readValuePage(db, all('2026-02-01T00:00:00Z'), middle, 100)],
      ['one indicator and unit, 12 periods', () => readValuePage(db, { indicator: m.indicator_code, unitId: m.unit_id, periods: Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`), kind: null, knownAt: new Date('2025-09-01T00:00:00Z') }, null, 100)],
    ];
    const rows: string[] = [];
    for (const [what, read] of cases) rows.push(`| ${what} | ${(await medianMs(read)).toFixed(1)} ms |`);
    const body = [
      `${observed.toLocaleString('en')} observation revisions and ${computed.toLocaleString('en')} computed-value revisions (3 per key); a page of 100 items, median of 30 reads:`,
      '',
      '| page | median |',
      '|---|---|',
      ...rows,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeBenchmarkSection('knownAt pages (`npm run bench:known-at`)', body);
  } finally {
    await bench.drop();
  }
}

await main();
