import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('lgsp CLI', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => t.drop());

  it('demo: migrates, loads at province level without commune files, prints the catalogue and both An Giang target sets', async () => {
    const r = await runCli(['demo'], { DATABASE_URL: t.url, LGSP_ADMIN_UNITS_DIR: '/nonexistent/admin-units' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applied 0001_reference, 0002_pipeline/);
    expect(r.stdout).toMatch(/commune files were not found at \/nonexistent\/admin-units/);
    expect(r.stdout).toMatch(/Indicator catalogue \(27\)/);
    expect(r.stdout).toMatch(/DVC_ONLINE_RATE\s+Tỷ lệ sử dụng dịch vụ công trực tuyến\s+%\s+100 x DVC_DOSSIERS_ONLINE \/ DVC_DOSSIERS_NEW/);
    expect(r.stdout).toMatch(/Targets \(25\)/);
    expect(r.stdout).toMatch(/91 Tỉnh An Giang\s+DIGITAL_ECONOMY_SHARE\s+2030\s+>= 20\s+an-giang-plan-03-nq-cp/);
    expect(r.stdout).toMatch(/91 Tỉnh An Giang\s+DIGITAL_ECONOMY_SHARE\s+2030\s+>= 30\s+02-CTr\/TU/);
    const units = await t.db.selectFrom('admin_unit').select(({ fn }) => ['level', fn.countAll<number>().as('n')]).groupBy('level').orderBy('level').execute();
    expect(units).toEqual([{ level: 'country', n: 1 }, { level: 'province', n: 97 }]);
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
