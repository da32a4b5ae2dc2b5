import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { duplicateKeys } from './support/json-duplicate-keys.js';
import { runCli } from './support/run-cli.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('lgsp CLI', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => t.drop());

  it('demo: migrates, loads at province level without commune files, syncs the emulated sources and shows each province against its targets', async () => {
    const stream = `lgsp-test:demo-events:${process.pid}`;
    const logFile = join(tmpdir(), `lgsp-demo-test-${process.pid}.log`);
    const r = await runCli(['demo', '--log-file', logFile], { LOG_LEVEL: 'info', DATABASE_URL: t.url, LGSP_ADMIN_UNITS_DIR: '/nonexistent/admin-units', LGSP_QUEUE_PREFIX: `lgsp-demo-test-${process.pid}`, LGSP_EVENTS_STREAM: stream });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // A short report for people: no log lines among it; every log line is in the file, as JSON, each key once.
    expect(r.stdout.split('\n').length).toBeLessThanOrEqual(80);
    expect(r.stdout).not.toMatch(/^\s*\{/m);
    const logLines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '');
    expect(logLines.length).toBeGreaterThan(10);
    for (const line of logLines) {
      expect(JSON.parse(line)).toHaveProperty('msg');
      expect(duplicateKeys(line), line).toEqual([]);
    }
    rmSync(logFile, { force: true });
    expect(r.stdout).toMatch(/schema: applied 0001_reference, 0002_pipeline/);
    expect(r.stdout).toMatch(/commune files were not found at \/nonexistent\/admin-units/);
    // One connection per source and province, each with records of its own.
    for (const source of ['dvc-portal', 'payment-stats', 'patent-registry', 'gso-pxweb', 'spreadsheet']) {
      for (const province of ['91', '40']) expect(r.stdout).toMatch(new RegExp(`${source}-${province}\\s+succeeded\\s+[1-9]`));
    }
    // The printed rate is the materialised value of the merged An Giang for 2025, rounded.
    const stored = await t.db
      .selectFrom('indicator_value as v')
      .innerJoin('admin_unit as u', 'u.id', 'v.unit_id')
      .select('v.value')
      .where('v.indicator_code', '=', 'DVC_ONLINE_RATE').where('u.code', '=', '91').where('u.valid_from', '=', '2025-07-01').where('v.period_code', '=', '2025')
      .executeTakeFirstOrThrow();
    const shown = Number(stored.value).toFixed(2);
    // An Giang's two documents side by side, Nghệ An's value after them.
    expect(r.stdout).toMatch(/indicator\s+An Giang 91\s+target 02-CTr\/TU\s+target an-giang-plan-03-nq-cp\s+Nghệ An 40\n/);
    expect(r.stdout).toMatch(new RegExp(`DVC_ONLINE_RATE\\s+${shown.replace('.', '\\.')} \\(2025\\)\\s+> 80: (met|not met)\\s+> 80: (met|not met)\\s+\\d+\\.\\d\\d \\(2025\\)`));
    expect(r.stdout).toMatch(/Nghệ An: its plan sets no numeric 2030 target/);
    const units = await t.db.selectFrom('admin_unit').select(({ fn }) => ['level', fn.countAll<number>().as('n')]).groupBy('level').orderBy('level').execute();
    expect(units).toEqual([{ level: 'country', n: 1 }, { level: 'province', n: 97 }]);

    // Every change reached the Redis Stream through the demo's relay, and the outbox has nothing left to publish.
    const published = Number(/([\d,]+) change events published to the Redis Stream/.exec(r.stdout)?.[1]?.replace(/,/g, '') ?? 0);
    expect(published).toBeGreaterThan(100);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(await redis.xlen(stream)).toBe(published);
    } finally {
      await redis.del(stream);
      redis.disconnect();
    }
    expect(await t.db.selectFrom('outbox_event').select('seq').where('published_at', 'is', null).execute()).toEqual([]);
    expect(r.stdout).toContain('/v1/events/stream?lastEventId=0');
  });

  it('bad usage exits 2 and says what is wrong', async () => {
    const r = await runCli(['query', 'HDI', '--period', '2024'], { DATABASE_URL: t.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--unit <unit>' not specified/);
  });

  it('a wrong setting stops start-up naming the variable (exit 78)', async () => {
    const r = await runCli(['catalogue'], { DATABASE_URL: t.url, LOG_LEVEL: 'loud' });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/error \[CONFIG_INVALID\]: Invalid configuration[\s\S]*LOG_LEVEL="loud": expected one of/);
  });

  it('an unreachable PostgreSQL says how to start it instead of a stack trace (exit 69)', async () => {
    const r = await runCli(['catalogue'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/lgsp' });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/error \[SERVICE_UNAVAILABLE\]: PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/lgsp\. Start it with `docker compose up -d`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('lgsp query', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());

  it('query: a rolled-up value with its provenance, or why there is none (exit 1)', async () => {
    const r = await runCli(['query', 'DIGITAL_ECONOMY_SHARE', '--unit', 'An Giang', '--period', '2024'], { DATABASE_URL: t.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DIGITAL_ECONOMY_SHARE for 91 Tỉnh An Giang in 2024: no value: no DIGITAL_ECONOMY_SHARE value for 91 Tỉnh An Giang \(from 2025-07-01\) or its 2 contributing units in 2024/);
    const bad = await runCli(['query', 'HDI', '--unit', '91', '--period', '2024-13'], { DATABASE_URL: t.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error \[PERIOD_INVALID\]: "2024-13" is not a period/);
  });

  it('query reproduces the document: An Giang (91) 2024 digital economy 6.11 from legacy 89 = 5.99 and 91 = 6.23', async () => {
    await ensurePeriods(t.db, [parsePeriod('2024')]);
    const legacy = await t.db.selectFrom('admin_unit').select(['id', 'code']).where('level', '=', 'province').where('valid_to', '=', '2025-06-30').where('code', 'in', ['89', '91']).execute();
    const value = { '89': '5.99', '91': '6.23' } as Record<string, string>;
    await t.db
      .insertInto('observation')
      .values(legacy.map((u) => ({ indicator_code: 'DIGITAL_ECONOMY_SHARE', unit_id: u.id, period_code: '2024', value: value[u.code] ?? '', status: 'final' as const, measure_unit: '% GRDP' })))
      .execute();
    const r = await runCli(['query', 'DIGITAL_ECONOMY_SHARE', '--unit', '91', '--period', '2024', '--as-of', '2025-08-01', '--json'], { DATABASE_URL: t.url });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { value: string; notes: string[]; inputs: { unitCode: string; value: string }[] };
    expect(result.value).toBe('6.11');
    expect(result.notes.join('\n')).toMatch(/unweighted mean of DIGITAL_ECONOMY_SHARE for 91 Tỉnh An Giang.*GRDP unknown/);
    expect(result.inputs.map((i) => [i.unitCode, i.value])).toEqual([['89', '5.99'], ['91', '6.23']]);
  });

  it('query text rounds to the indicator\'s decimals (2 for %, 0 for counts, 1 per 10,000); --json keeps the exact value', async () => {
    await ensurePeriods(t.db, [parsePeriod('2025'), parsePeriod('2025-08')]);
    const current = await t.db.selectFrom('admin_unit').select('id').where('level', '=', 'province').where('code', '=', '91').where('valid_from', '=', '2025-07-01').executeTakeFirstOrThrow();
    const rows: [string, string, string, string][] = [
      ['DVC_DOSSIERS_NEW', '2025-08', '70', 'dossiers'], ['DVC_DOSSIERS_ONLINE', '2025-08', '45', 'dossiers'],
      ['RD_PERSONNEL', '2025', '2000', 'persons'], ['POPULATION', '2025', '3600000', 'persons'],
    ];
    await t.db.insertInto('observation')
      .values(rows.map(([indicator, period, value, measure]) => ({ indicator_code: indicator, unit_id: current.id, period_code: period, value, status: 'final' as const, measure_unit: measure })))
      .execute();
    const query = (indicator: string, period: string, ...extra: string[]) => runCli(['query', indicator, '--unit', '91', '--period', period, '--as-of', '2025-08-01', ...extra], { DATABASE_URL: t.url });

    // 45 / 70 × 100 = 64.285714285714…; 10000 × 2000 / 3600000 = 5.555…
    const rate = await query('DVC_ONLINE_RATE', '2025-08');
    expect(rate.stdout).toContain('DVC_ONLINE_RATE for 91 Tỉnh An Giang in 2025-08: 64.29 % (exact 64.285714285714)');
    expect(rate.stdout).toMatch(/DVC_DOSSIERS_ONLINE\s+91 Tỉnh An Giang\s+2025-08\s+45\n/);
    const per10k = await query('RD_PERSONNEL_PER_10K', '2025');
    expect(per10k.stdout).toContain('RD_PERSONNEL_PER_10K for 91 Tỉnh An Giang in 2025: 5.6 per 10,000 (exact 5.555555555556)');
    expect(per10k.stdout).toMatch(/POPULATION\s+91 Tỉnh An Giang\s+2025\s+3600000\n/);
    expect((await query('DVC_DOSSIERS_NEW', '2025-08')).stdout).toContain('in 2025-08: 70 dossiers (exact 70)');
    const json = JSON.parse((await query('DVC_ONLINE_RATE', '2025-08', '--json')).stdout) as { value: string };
    expect(json.value).toBe('64.285714285714');
  });

});
