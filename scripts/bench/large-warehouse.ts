import { sql } from 'kysely';
import { parsePeriod } from '../../src/periods/period.js';
import { ensurePeriods } from '../../src/periods/store.js';
import { loadReferenceData } from '../../src/reference/load-reference.js';
import { createDb, type Db } from '../../src/warehouse/database.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import { adminQuery } from './bench-database.js';

/** The summed, source-fed indicators a large warehouse is filled with. */
const indicators = [
  'CASH_WITHDRAWAL_COUNT', 'DVC_DOSSIERS_NEW', 'DVC_DOSSIERS_ONLINE', 'DVC_DOSSIERS_RESOLVED', 'DVC_DOSSIERS_RESOLVED_ON_TIME',
  'DVC_PROCEDURES', 'DVC_PROCEDURES_FULL_ONLINE', 'GRDP', 'NONCASH_TXN_COUNT', 'PATENT_APPLICATIONS', 'PATENT_GRANTS',
  'POPULATION', 'RD_PERSONNEL', 'SMART_CITIES',
];
const lastMonth = '2026-11';

function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const code = `${y}-${String(m).padStart(2, '0')}`;
    months.push(code);
    if (code === last) return months;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

async function observationCount(db: Db): Promise<number> {
  // The planner's estimate: exact counts of 10M rows take seconds and the reuse check needs no precision.
  const r = await sql<{ n: number }>`select reltuples::bigint as n from pg_class where relname = 'observation'`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * A warehouse of at least `target` observations: every commune version, each month of its validity from a start
 * month early enough, for the summed indicators, generated inside PostgreSQL. Kept between runs under its own
 * database name (it takes minutes to build), and rebuilt when smaller.
 */
export async function largeWarehouse(baseUrl: string, name: string, target: number, adminUnitsDir: string, log: (line: string) => void): Promise<{ db: Db; url: string; observations: number }> {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await adminQuery(baseUrl, `create database ${name}`).catch((error: unknown) => {
    if ((error as { code?: string }).code !== '42P04') throw error; // exists already
  });
  const db = createDb(url.toString());
  // Newer migrations (indexes) apply to the kept data as they would in production.
  const applied = await migrateToLatest(db);
  const existing = await observationCount(db);
  if (existing >= target) {
    log(`reusing ${name}: about ${existing.toLocaleString('en')} observations${applied.length > 0 ? ` (migrated: ${applied.join(', ')})` : ''}`);
    return { db, url: url.toString(), observations: existing };
  }
  await db.destroy();
  await adminQuery(baseUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(baseUrl, `create database ${name}`);
  const fresh = createDb(url.toString());
  await migrateToLatest(fresh);
  const reference = await loadReferenceData(fresh, { adminUnitsDir });
  if (!reference.adminUnits.communesLoaded) throw new Error(`the benchmark needs the commune files (LGSP_ADMIN_UNITS_DIR=${adminUnitsDir})`);
  // Start early enough that the communes' months reach the target (legacy communes hold most of them).
  const communeMonthsPerYear = (await sql<{ n: number }>`select count(*)::int * 12 as n from admin_unit where level = 'commune' and valid_to is not null`.execute(fresh)).rows[0]?.n ?? 1;
  const firstYear = 2025 - Math.ceil(target / indicators.length / communeMonthsPerYear);
  const months = monthsFrom(`${firstYear}-01`, lastMonth);
  await ensurePeriods(fresh, months.map(parsePeriod));
  let inserted = 0;
  for (const indicator of indicators) {
    const started = performance.now();
    const r = await sql`
      insert into observation (indicator_code, unit_id, period_code, value, status, measure_unit)
      select i.code, u.id, p.code, 100 + abs(hashtext(u.code || p.code || i.code)) % 5000, 'final', i.measure_unit
      from indicator i
      cross join admin_unit u
      join period p on p.kind = 'month' and p.code >= ${months[0]} and p.code <= ${lastMonth}
        and (u.valid_from is null or p.starts_on >= u.valid_from) and (u.valid_to is null or p.ends_on <= u.valid_to)
      where i.code = ${indicator} and u.level = 'commune'`.execute(fresh);
    inserted += Number(r.numAffectedRows ?? 0);
    log(`  ${indicator}: ${inserted.toLocaleString('en')} observations (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  await sql`vacuum analyze observation`.execute(fresh);
  return { db: fresh, url: url.toString(), observations: inserted };
}
