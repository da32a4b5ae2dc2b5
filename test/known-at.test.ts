import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndicatorRules } from '../src/aggregation/index.js';
import { createLogger } from '../src/logger.js';
import { dependentKeys, indicatorDependencies } from '../src/pipeline/dependents.js';
import { refreshIndicatorValues } from '../src/pipeline/refresh-values.js';
import { UnitGraph } from '../src/pipeline/unit-graph.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import type { Db } from '../src/warehouse/database.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { markDirty } from '../src/warehouse/indicator-values.js';
import { applyObservationChanges } from '../src/warehouse/observations.js';
import { runCli } from './support/run-cli.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { waitFor } from './support/worker-process.js';

/**
 * The warehouse as it was known at an instant, against a real PostgreSQL, written through the real observation
 * stage and refresh (so through the writers of both revision tables):
 *
 *   run 1: DVC_DOSSIERS_NEW of An Giang (91) 2025-08 70, 2025-09 30 (its computed 2025 = 100); PATENT_APPLICATIONS 2025 3;
 *          DVC_DOSSIERS_NEW of Nghệ An (40) 2025-01..06 (enough items for several pages)
 *   -- knownAt = T1 --
 *   run 2: 91 2025-08 revised to 75 (computed 2025 = 105); PATENT_APPLICATIONS withdrawn; PII_RANK 2025 25 added
 */

interface Item {
  kind: string;
  indicator: string;
  unit: { code: string };
  period: string;
  value: string;
}
interface Page {
  items: Item[];
  next: string | null;
}

/**
 * An instant after every change committed so far and before any later one: the database clock rounded up to the
 * millisecond (knownAt has milliseconds, changed_at microseconds), returned once that clock has passed it.
 */
async function instantAfterCommits(db: Db): Promise<string> {
  const r = await sql<{ t: Date }>`select date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond' as t`.execute(db);
  const t = r.rows[0]?.t;
  if (!t) throw new Error('no clock');
  await waitFor('the database clock to pass the instant', async () => (await sql<{ passed: boolean }>`select clock_timestamp() > ${t} as passed`.execute(db)).rows[0]?.passed);
  return t.toISOString();
}

describe('knownAt: the warehouse as it was known at an instant', () => {
  let api: TestApi;
  const unit = { p91: 0, p40: 0 };
  const runs = { first: 0, second: 0 };
  const known = { before: '', t1: '', after: '' };
  /** GET /v1/observations of the whole warehouse right after run 1, read as it was then. */
  let atT1: Item[] = [];

  const get = (url: string) => api.request({ method: 'GET', url });
  const page = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  const values = async (url: string) => (await page(url)).items.map((i) => [i.kind, i.value]);

  async function observe(runId: number, rows: readonly (readonly [string, number, string, string | null])[]): Promise<void> {
    const db = api.t.db;
    await ensurePeriods(db, rows.map(([, , period]) => parsePeriod(period)));
    for (const [indicator, unitId, period, value] of rows) {
      const key = `${indicator}|${unitId}|${period}`;
      await sql`delete from observation_contribution where connection_id = 'dvc' and source_key = ${key}`.execute(db);
      if (value === null) continue;
      await sql`
        insert into observation_contribution (connection_id, stream, source_key, indicator_code, unit_id, period_code, value, status, raw_record_id, sync_run_id)
        values ('dvc', 'reports', ${key}, ${indicator}, ${unitId}, ${period}, ${value}, 'final', ${runId}, ${runId})`.execute(db);
    }
    const keys = rows.map(([indicator, unitId, period]) => ({ indicator, unitId, period }));
    await applyObservationChanges(db, { connectionId: 'dvc', stream: 'reports', runId }, keys);
    await markDirty(db, dependentKeys(keys, await UnitGraph.load(db), indicatorDependencies(await loadIndicatorRules(db))));
    await refreshIndicatorValues(db, { runId, logger: createLogger('silent') });
  }

  beforeAll(async () => {
    api = await startTestApi();
    const db = api.t.db;
    await loadProvinceReference(db);
    const province = async (code: string) =>
      (await db.selectFrom('admin_unit').select('id').where('level', '=', 'province').where('code', '=', code).where('valid_to', 'is', null).executeTakeFirstOrThrow()).id;
    unit.p91 = await province('91');
    unit.p40 = await province('40');
    await insertConnection(db, { id: 'dvc', connectorId: 'dvc-portal', name: 'Cổng DVC', config: {}, secretRefs: {} });
    const run = async () => (await db.insertInto('sync_run').values({ connection_id: 'dvc', mode: 'incremental', status: 'succeeded', started_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    runs.first = await run();
    runs.second = await run();
    known.before = await instantAfterCommits(db);
    await observe(runs.first, [
      ['DVC_DOSSIERS_NEW', unit.p91, '2025-08', '70'], ['DVC_DOSSIERS_NEW', unit.p91, '2025-09', '30'], ['PATENT_APPLICATIONS', unit.p91, '2025', '3'],
      ...['01', '02', '03', '04', '05', '06'].map((m) => ['DVC_DOSSIERS_NEW', unit.p40, `2025-${m}`, m] as const),
    ]);
    known.t1 = await instantAfterCommits(db);
    atT1 = (await page('/v1/observations?limit=1000')).items;
    await observe(runs.second, [['DVC_DOSSIERS_NEW', unit.p91, '2025-08', '75'], ['PATENT_APPLICATIONS', unit.p91, '2025', null], ['PII_RANK', unit.p91, '2025', '25']]);
    known.after = await instantAfterCommits(db);
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });

  it('an observed value revised since: the old value before the revision, the new one after it', async () => {
    const url = `/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91&period=2025-08&kind=observed`;
    expect(await values(`${url}&knownAt=${known.t1}`)).toEqual([['observed', '70']]);
    expect(await values(`${url}&knownAt=${known.after}`)).toEqual([['observed', '75']]);
    expect(await values(url)).toEqual([['observed', '75']]);
    expect(await values(`${url}&knownAt=${known.before}`)).toEqual([]);
    // The revision read back carries the run and the source records of the value then.
    const [then] = (await page(`${url}&knownAt=${known.t1}`)).items as unknown as { runId: number; connectionId: string; status: string }[];
    expect(then).toMatchObject({ runId: runs.first, connectionId: 'dvc', status: 'final' });
  });

  it('a computed rollup (the year from its months) revised since: the old total before, the new one after', async () => {
    const url = `/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91&period=2025&kind=computed`;
    expect(await values(`${url}&knownAt=${known.t1}`)).toEqual([['computed', '100']]);
    expect(await values(`${url}&knownAt=${known.after}`)).toEqual([['computed', '105']]);
    expect(await values(url)).toEqual([['computed', '105']]);
    expect(await values(`${url}&knownAt=${known.before}`)).toEqual([]);
  });

  it('a removed value is there before its removal and absent after it; a value added later is absent before', async () => {
    const patents = `/v1/observations?indicator=PATENT_APPLICATIONS&unit=91&period=2025`;
    expect(await values(`${patents}&knownAt=${known.t1}`)).toEqual([['observed', '3'], ['computed', '3']]);
    expect(await values(`${patents}&knownAt=${known.after}`)).toEqual([]);
    const rank = `/v1/observations?indicator=PII_RANK&unit=91&period=2025&kind=observed`;
    expect(await values(`${rank}&knownAt=${known.t1}`)).toEqual([]);
    expect(await values(`${rank}&knownAt=${known.after}`)).toEqual([['observed', '25']]);
  });

  it('pages of 3 at T1, across page boundaries, give exactly the warehouse as it was read at T1', async () => {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: Page = await page(`/v1/observations?knownAt=${encodeURIComponent(known.t1)}&limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      items.push(...p.items);
      cursor = p.next;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(atT1.length).toBeGreaterThan(6);
    expect(pages).toBe(Math.ceil(atT1.length / 3));
    expect(items).toEqual(atT1);
  });

  it('the filters still apply: periods without a unit, kind, indicator', async () => {
    const years = (await page(`/v1/observations?period=2025&knownAt=${known.t1}`)).items.map((i) => [i.kind, i.indicator, i.unit.code, i.value]);
    expect(years).toEqual(atT1.filter((i) => i.period === '2025').map((i) => [i.kind, i.indicator, i.unit.code, i.value]));
    expect(years).toContainEqual(['observed', 'PATENT_APPLICATIONS', '91', '3']);
    const firstQuarter = (await page(`/v1/observations?unit=40&from=2025-01&to=2025-03&periodType=month&kind=observed&knownAt=${known.t1}`)).items;
    expect(firstQuarter.map((i) => [i.period, i.value])).toEqual([['2025-01', '1'], ['2025-02', '2'], ['2025-03', '3']]);
  });

  it('a bad knownAt is a 400 naming the field', async () => {
    for (const bad of ['yesterday', '2025-08-01', '2025-08-01T08:00:00']) {
      const res = await get(`/v1/observations?knownAt=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json(), bad).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'querystring.knownAt' })] });
    }
  });

  it('documents asOf and knownAt apart in the OpenAPI document', async () => {
    const document = (await api.request({ method: 'GET', url: '/openapi.json', as: null })).json<{ paths: Record<string, { get: { parameters: { name: string; description?: string }[] } }> }>();
    const parameters = document.paths['/v1/observations']?.get.parameters ?? [];
    expect(parameters.find((p) => p.name === 'knownAt')?.description).toMatch(/transaction/);
    expect(parameters.find((p) => p.name === 'asOf')?.description).toMatch(/knownAt/);
  });

  it('lgsp query --known-at prints the values stored then, exit 1 when there were none; --history names runs and raw records; a bad instant is bad usage', async () => {
    const env = { DATABASE_URL: api.t.url };
    const then = await runCli(['query', 'DVC_DOSSIERS_NEW', '--unit', '91', '--period', '2025-08', '--known-at', known.t1], env);
    expect(then.code, then.stderr).toBe(0);
    expect(then.stdout).toContain(`as known at ${known.t1}`);
    expect(then.stdout).toMatch(/observed: 70 .*run /);
    expect(then.stdout).toMatch(/computed: 70 /);
    expect(then.stdout).not.toMatch(/(observed|computed): 75/);
    const json = await runCli(['query', 'PATENT_APPLICATIONS', '--unit', '91', '--period', '2025', '--known-at', known.t1, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ observed: { value: '3', runId: runs.first }, computed: { value: '3' } });
    const gone = await runCli(['query', 'PATENT_APPLICATIONS', '--unit', '91', '--period', '2025', '--known-at', known.after], env);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain('no value');
    const history = await runCli(['query', 'DVC_DOSSIERS_NEW', '--unit', '91', '--period', '2025-08', '--history'], env);
    expect(history.code, history.stderr).toBe(0);
    const lines = history.stdout.split('\n');
    // Each observed change names its run and the raw records behind it (here record id = run id); each computed one its run.
    expect(lines.filter((l) => / (insert|update) /.test(l)).map((l) => l.split(/\s{2,}/).slice(1))).toEqual([
      ['insert', '-', '70', 'final', 'dvc', `${runs.first} (incremental)`, `${runs.first}`],
      ['update', '70', '75', 'final', 'dvc', `${runs.second} (incremental)`, `${runs.second}`],
      ['insert', '-', '70', `${runs.first} (incremental)`],
      ['update', '70', '75', `${runs.second} (incremental)`],
    ]);
    const bad = await runCli(['query', 'DVC_DOSSIERS_NEW', '--unit', '91', '--period', '2025-08', '--known-at', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--known-at');
  }, 120_000);
});
