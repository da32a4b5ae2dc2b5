import SwaggerParser from '@apidevtools/swagger-parser';
import { sql } from 'kysely';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndicatorRules } from '../src/aggregation/index.js';
import { createLogger } from '../src/logger.js';
import { dependentKeys, indicatorDependencies } from '../src/pipeline/dependents.js';
import { refreshIndicatorValues } from '../src/pipeline/refresh-values.js';
import { UnitGraph } from '../src/pipeline/unit-graph.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { markDirty } from '../src/warehouse/indicator-values.js';
import { applyObservationChanges } from '../src/warehouse/observations.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';

/**
 * The warehouse read routes against a real PostgreSQL: province-level reports of legacy An Giang (89), legacy
 * Kiên Giang (91) and the merged An Giang (91 from 2025-07-01), written through the real observation stage (with
 * revisions and provenance) and rolled up by the real refresh.
 *
 *   DVC_DOSSIERS_NEW / _ONLINE  2024-03: legacy 89 100 / 70, legacy 91 60 / 10;  2025-08: current 91 70, revised to 75 / 45
 *   DIGITAL_ECONOMY_SHARE 2024: legacy 89 5.99, legacy 91 6.23 (no GRDP: the unweighted mean 6.11); 2025: current 91 7
 *   PII_RANK 2025: current 91 25;  PATENT_APPLICATIONS 2025: current 91 3, then withdrawn
 *
 * By hand, for the merged An Giang: dossiers 2024 = 100 + 60 = 160; online rate 2024 = (70 + 10) / 160 × 100 = 50
 * (a ratio of sums: the mean of the two rates, 70 and 16.67, would be 43.33); 2025 = 45 / 75 × 100 = 60.
 */

interface Item {
  kind: string;
  indicator: string;
  unit: { id: number; code: string; name: string; validTo: string | null };
  period: string;
  periodType: string;
  value: string;
  status: string | null;
  connectionId: string | null;
  runId: number | null;
  notes: string[];
}
interface Page {
  items: Item[];
  next: string | null;
}

describe('API: warehouse read routes', () => {
  let api: TestApi;
  const unit = { p89: 0, p91old: 0, p91: 0, p40: 0 };
  const runs = { first: 0, second: 0 };

  const get = (url: string, as: 'read' | 'admin' | null = 'read') => api.request({ method: 'GET', url, as });

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
    const catalogue = await loadIndicatorRules(db);
    await markDirty(db, dependentKeys(keys, await UnitGraph.load(db), indicatorDependencies(catalogue)));
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the item type of the route
  async function allPages<T = Item>(url: string, limit: number): Promise<{ pages: number[]; items: T[] }> {
    const pages: number[] = [];
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(`${url}${sep}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ items: T[]; next: string | null }>();
      pages.push(page.items.length);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor !== null && pages.length < 50);
    return { pages, items };
  }

  const brief = (items: Item[]) => items.map((i) => [i.kind, i.indicator, i.unit.code, i.period, i.value]);

  beforeAll(async () => {
    api = await startTestApi();
    const db = api.t.db;
    await loadProvinceReference(db);
    const province = async (code: string, legacy: boolean) =>
      (await db.selectFrom('admin_unit').select('id').where('level', '=', 'province').where('code', '=', code)
        .where('valid_to', legacy ? 'is not' : 'is', null).executeTakeFirstOrThrow()).id;
    unit.p89 = await province('89', true);
    unit.p91old = await province('91', true);
    unit.p91 = await province('91', false);
    unit.p40 = await province('40', false);
    await insertConnection(db, { id: 'dvc', connectorId: 'dvc-portal', name: 'Cổng DVC An Giang', config: {}, secretRefs: {} });
    const run = async () => (await db.insertInto('sync_run').values({ connection_id: 'dvc', mode: 'incremental', status: 'succeeded', started_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    runs.first = await run();
    runs.second = await run();
    await observe(runs.first, [
      ['DVC_DOSSIERS_NEW', unit.p89, '2024-03', '100'], ['DVC_DOSSIERS_ONLINE', unit.p89, '2024-03', '70'],
      ['DVC_DOSSIERS_NEW', unit.p91old, '2024-03', '60'], ['DVC_DOSSIERS_ONLINE', unit.p91old, '2024-03', '10'],
      ['DVC_DOSSIERS_NEW', unit.p91, '2025-08', '70'], ['DVC_DOSSIERS_ONLINE', unit.p91, '2025-08', '45'],
      ['DIGITAL_ECONOMY_SHARE', unit.p89, '2024', '5.99'], ['DIGITAL_ECONOMY_SHARE', unit.p91old, '2024', '6.23'],
      ['DIGITAL_ECONOMY_SHARE', unit.p91, '2025', '7'], ['PII_RANK', unit.p91, '2025', '25'],
      ['PATENT_APPLICATIONS', unit.p91, '2025', '3'],
    ]);
    await observe(runs.second, [['DVC_DOSSIERS_NEW', unit.p91, '2025-08', '75'], ['PATENT_APPLICATIONS', unit.p91, '2025', null]]);
    await refreshIndicatorValues(db, { runId: runs.second, logger: createLogger('silent') });
  }, 120_000);
  afterAll(async () => {
    await api.close();
  });

  it('documents every route in a valid OpenAPI document', async () => {
    const document = (await get('/openapi.json', null)).json<OpenAPIV3_1.Document>();
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(Object.keys(document.paths ?? {})).toEqual(expect.arrayContaining([
      '/v1/indicators', '/v1/indicators/{code}', '/v1/units', '/v1/observations', '/v1/observations/{indicator}/{unit}/{period}/revisions', '/v1/targets', '/v1/progress',
    ]));
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(expect.arrayContaining(['Indicator', 'Unit', 'UnitRef', 'WarehouseValue', 'ObservationHistory', 'Target', 'TargetProgress']));
  });

  // 403 does not apply: every key includes the read scope (operate and admin include read), and these routes need only read.
  it('401 on every route without a key; every other scope may read', async () => {
    for (const url of [
      '/v1/indicators', '/v1/indicators/HDI', '/v1/units?q=91', '/v1/observations', '/v1/observations/DVC_DOSSIERS_NEW/91/2025-08/revisions',
      '/v1/targets', '/v1/progress?unit=91',
    ]) {
      const res = await get(url, null);
      expect(res.statusCode, url).toBe(401);
      expect(res.json(), url).toMatchObject({ code: 'API_KEY_MISSING', status: 401 });
      expect((await get(url, 'admin')).statusCode, url).toBe(200);
    }
  });

  describe('GET /v1/indicators', () => {
    it('lists the catalogue with names, unit, direction, aggregation and derivation', async () => {
      const res = await get('/v1/indicators');
      expect(res.statusCode).toBe(200);
      const items = res.json<{ items: { code: string; derivation: unknown }[] }>().items;
      expect(items).toHaveLength(27);
      expect(items.find((i) => i.code === 'DVC_ONLINE_RATE')).toEqual({
        code: 'DVC_ONLINE_RATE',
        name: { vi: 'Tỷ lệ sử dụng dịch vụ công trực tuyến', en: 'Share of dossiers submitted online' },
        measureUnit: '%',
        decimals: 2,
        direction: 'higher_is_better',
        aggregation: { units: 'ratio', periods: 'ratio', weight: null },
        derivation: { kind: 'ratio', numerator: ['DVC_DOSSIERS_ONLINE'], denominator: ['DVC_DOSSIERS_NEW'], factor: '100' },
        description: null,
      });
      const derived = (await get('/v1/indicators?derived=true')).json<{ items: { code: string }[] }>().items.map((i) => i.code);
      expect(derived).toEqual(['CASHLESS_TXN_SHARE', 'DVC_FULL_ONLINE_SHARE', 'DVC_ONLINE_RATE', 'DVC_ON_TIME_RATE', 'PATENT_APPLICATIONS_GROWTH', 'RD_PERSONNEL_PER_10K']);
    });

    it('one indicator; 404 for an unknown code; 400 names the bad field', async () => {
      expect((await get('/v1/indicators/RD_PERSONNEL_PER_10K')).json()).toMatchObject({ measureUnit: 'per 10,000', decimals: 1 });
      expect((await get('/v1/indicators/PII_RANK')).json()).toMatchObject({ code: 'PII_RANK', decimals: 0, direction: 'lower_is_better', measureUnit: 'rank', aggregation: { units: 'none', periods: 'none' }, derivation: null });
      expect((await get('/v1/indicators/PATENT_APPLICATIONS_GROWTH')).json()).toMatchObject({ derivation: { kind: 'growth', of: 'PATENT_APPLICATIONS', factor: '100' } });
      expect((await get('/v1/indicators/DIGITAL_ECONOMY_SHARE')).json()).toMatchObject({ aggregation: { units: 'weighted_mean', periods: 'none', weight: 'GRDP' } });
      const unknown = await get('/v1/indicators/NO_SUCH_INDICATOR');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('GET /v1/indicators') as unknown });
      const bad = await get('/v1/indicators/dvc-online');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'params.code' })] });
      const badQuery = await get('/v1/indicators?derived=maybe');
      expect(badQuery.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.derived' })] });
    });
  });

  describe('GET /v1/units', () => {
    const ref = (id: number, code: string, name: string, validFrom: string | null, validTo: string | null) => ({ id, code, level: 'province', name, validFrom, validTo });

    it('finds a legacy name without diacritics, with its succession', async () => {
      const res = await get('/v1/units?q=kien%20giang');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [{
          ...ref(unit.p91old, '91', 'Tỉnh Kiên Giang', null, '2025-06-30'),
          nameEn: null,
          kind: 'Tỉnh',
          parent: { id: expect.any(Number) as unknown, code: 'VN', name: 'Việt Nam' },
          districtName: null,
          match: { by: 'ascii', via: null },
          resolution: 'direct',
          succession: null,
          predecessors: [],
          successors: [{ unit: ref(unit.p91, '91', 'Tỉnh An Giang', '2025-07-01', null), effectiveFrom: '2025-07-01', divided: false }],
        }],
        next: null,
      });
    });

    it('on a date, a legacy name leads to what it became; an alias and a prefixed name resolve', async () => {
      const after = (await get('/v1/units?q=Ki%C3%AAn%20Giang&asOf=2025-08-01')).json<{ items: { id: number; match: unknown; predecessors: { unit: { code: string } }[] }[] }>();
      expect(after.items).toHaveLength(1);
      expect(after.items[0]).toMatchObject({ id: unit.p91, name: 'Tỉnh An Giang', match: { by: 'successor', via: ref(unit.p91old, '91', 'Tỉnh Kiên Giang', null, '2025-06-30') } });
      // As the one resolver reads it: through succession, naming Kiên Giang, merged on 2025-07-01.
      expect(after.items[0]).toMatchObject({ resolution: 'succession', succession: { named: ref(unit.p91old, '91', 'Tỉnh Kiên Giang', null, '2025-06-30'), mergedOn: '2025-07-01' } });
      expect(after.items[0]?.predecessors.map((p) => p.unit.code).sort()).toEqual(['89', '91']);

      const before = (await get('/v1/units?q=T%E1%BB%89nh%20An%20Giang&asOf=2024-01-01')).json<{ items: { id: number; match: unknown }[] }>();
      expect(before.items).toEqual([expect.objectContaining({ id: unit.p89, match: { by: 'exact', via: null }, resolution: 'direct', succession: null })]);

      const hcm = (await get('/v1/units?q=TP.HCM&asOf=2025-08-01')).json<{ items: { code: string; validFrom: string; match: { by: string } }[] }>();
      expect(hcm.items).toEqual([expect.objectContaining({ code: '79', validFrom: '2025-07-01', match: { by: 'alias', via: null } })]);

      const byCode = (await get('/v1/units?q=91')).json<{ items: { id: number }[] }>();
      expect(byCode.items.map((i) => i.id)).toEqual([unit.p91old, unit.p91]);
      expect((await get('/v1/units?q=Atlantis')).json()).toEqual({ items: [], next: null });
    });

    it('lists by level and date, a page at a time', async () => {
      const all = await allPages<{ code: string; validTo: string | null }>('/v1/units?level=province&asOf=2025-08-01', 20);
      expect(all.pages).toEqual([20, 14]);
      expect(new Set(all.items.map((i) => i.code)).size).toBe(34);
      expect((await get('/v1/units?level=province&limit=1')).json()).toMatchObject({ items: [{ match: null, resolution: null, succession: null }] });
      expect(all.items.every((i) => i.validTo === null)).toBe(true);
      expect((await get('/v1/units?level=province')).json<{ items: unknown[] }>().items).toHaveLength(97);
      const within = (await get('/v1/units?within=An%20Giang&asOf=2025-08-01')).json<{ items: { id: number }[] }>();
      expect(within.items.map((i) => i.id)).toEqual([unit.p91]);
    });

    it('400 names the bad field; 404 for an unknown province to search within', async () => {
      expect((await get('/v1/units?asOf=2025-02-30')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.asOf' })] });
      expect((await get('/v1/units?level=district')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.level' })] });
      expect((await get('/v1/units?limit=1001')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.limit' })] });
      expect((await get('/v1/units?cursor=bm9wZQ')).json()).toMatchObject({ status: 400, errors: [{ field: 'querystring.cursor', message: expect.any(String) as unknown }] });
      const unknown = await get('/v1/units?within=Atlantis');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'UNIT_NOT_FOUND' });
    });
  });

  describe('GET /v1/observations', () => {
    it('a unit\'s series: source observations and computed rollups, each saying which', async () => {
      const res = await get('/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=An%20Giang');
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      expect(page.next).toBeNull();
      // The merged An Giang (today's version): 2024 from its two legacy provinces, 2025 from its own report.
      expect(brief(page.items)).toEqual([
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2024', '160'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '160'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2024-Q1', '160'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2025', '75'],
        ['observed', 'DVC_DOSSIERS_NEW', '91', '2025-08', '75'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2025-08', '75'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2025-Q3', '75'],
      ]);
      expect(page.items.every((i) => i.unit.id === unit.p91)).toBe(true);
      expect(page.items[4]).toMatchObject({ status: 'final', connectionId: 'dvc', runId: runs.second, periodType: 'month', notes: [], unitsViaSuccession: false });
      expect(page.items[0]).toMatchObject({ status: null, connectionId: null, runId: runs.second, periodType: 'year', unitsViaSuccession: null });
    });

    it('rollups checked by hand: a ratio of sums, and the unweighted mean of the digital economy', async () => {
      const rate = (await get('/v1/observations?indicator=DVC_ONLINE_RATE&unit=91&periodType=year')).json<Page>();
      expect(brief(rate.items)).toEqual([
        ['computed', 'DVC_ONLINE_RATE', '91', '2024', '50'],
        ['computed', 'DVC_ONLINE_RATE', '91', '2025', '60'],
      ]);
      const digital = (await get('/v1/observations?indicator=DIGITAL_ECONOMY_SHARE&unit=91&period=2024')).json<Page>();
      expect(brief(digital.items)).toEqual([['computed', 'DIGITAL_ECONOMY_SHARE', '91', '2024', '6.11']]);
      expect(digital.items[0]?.notes).toEqual([expect.stringContaining('unweighted mean of DIGITAL_ECONOMY_SHARE') as unknown]);
      const range = (await get('/v1/observations?indicator=DVC_ONLINE_RATE&unit=91&from=2025-07&to=2025-09')).json<Page>();
      expect(brief(range.items)).toEqual([
        ['computed', 'DVC_ONLINE_RATE', '91', '2025-08', '60'],
        ['computed', 'DVC_ONLINE_RATE', '91', '2025-Q3', '60'],
      ]);
    });

    it('the unit as of a date: 91 before the reform is Kiên Giang', async () => {
      const page = (await get('/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91&asOf=2025-01-01&kind=observed')).json<Page>();
      expect(brief(page.items)).toEqual([['observed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '60']]);
      expect(page.items[0]?.unit).toMatchObject({ id: unit.p91old, name: 'Tỉnh Kiên Giang', validTo: '2025-06-30' });
    });

    it('keyset pages: the same items as one page, a page may end between the observed and computed value of a key', async () => {
      const whole = (await get('/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91')).json<Page>().items;
      const paged = await allPages('/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91', 5);
      expect(paged.pages).toEqual([5, 2]);
      expect(brief(paged.items)).toEqual(brief(whole));
      for (const limit of [1, 2, 3]) expect(brief((await allPages('/v1/observations?indicator=DVC_DOSSIERS_NEW&unit=91', limit)).items)).toEqual(brief(whole));
    });

    it('periods without a unit: by period, indicator and unit, legacy and current provinces together', async () => {
      const expected = [
        ['observed', 'DVC_DOSSIERS_NEW', '89', '2024-03', '100'],
        ['computed', 'DVC_DOSSIERS_NEW', '89', '2024-03', '100'],
        ['observed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '60'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '60'],
        ['computed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '160'],
      ];
      expect(brief((await get('/v1/observations?indicator=DVC_DOSSIERS_NEW&period=2024-03')).json<Page>().items)).toEqual(expected);
      expect(brief((await allPages('/v1/observations?indicator=DVC_DOSSIERS_NEW&period=2024-03', 2)).items)).toEqual(expected);
      // Every value of 2024 and its parts, period first, across pages of 3.
      const year = await allPages('/v1/observations?from=2024&to=2024&kind=observed', 3);
      expect(brief(year.items)).toEqual([
        ['observed', 'DIGITAL_ECONOMY_SHARE', '89', '2024', '5.99'],
        ['observed', 'DIGITAL_ECONOMY_SHARE', '91', '2024', '6.23'],
        ['observed', 'DVC_DOSSIERS_NEW', '89', '2024-03', '100'],
        ['observed', 'DVC_DOSSIERS_NEW', '91', '2024-03', '60'],
        ['observed', 'DVC_DOSSIERS_ONLINE', '89', '2024-03', '70'],
        ['observed', 'DVC_DOSSIERS_ONLINE', '91', '2024-03', '10'],
      ]);
      expect(year.pages).toEqual([3, 3]);
      expect((await get('/v1/observations?periodType=quarter&kind=observed')).json()).toEqual({ items: [], next: null });
    });

    it('everything observed: the ten observations that remain (a withdrawn one is gone)', async () => {
      const all = await allPages('/v1/observations?kind=observed', 4);
      expect(all.items).toHaveLength(10);
      expect(all.items.every((i) => i.kind === 'observed')).toBe(true);
      expect(all.items.some((i) => i.indicator === 'PATENT_APPLICATIONS')).toBe(false);
    });

    it('400 names the bad field; 404 for an unknown indicator or unit', async () => {
      const field = async (url: string) => {
        const res = await get(url);
        expect(res.statusCode, url).toBe(400);
        return res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      };
      expect(await field('/v1/observations?period=2025-13')).toEqual(['querystring.period']);
      expect(await field('/v1/observations?limit=0')).toEqual(['querystring.limit']);
      expect(await field('/v1/observations?kind=guessed')).toEqual(['querystring.kind']);
      expect(await field('/v1/observations?period=2025&from=2024')).toEqual(['querystring.from']);
      expect(await field('/v1/observations?from=2025&to=2024-06')).toEqual(['querystring.to']);
      expect(await field('/v1/observations?cursor=not-a-cursor')).toEqual(['querystring.cursor']);
      const periodCursor = (await get('/v1/observations?period=2024-03&limit=1')).json<Page>().next ?? '';
      expect(await field(`/v1/observations?unit=91&cursor=${encodeURIComponent(periodCursor)}`)).toEqual(['querystring.cursor']);

      const indicator = await get('/v1/observations?indicator=NO_SUCH_INDICATOR');
      expect(indicator.statusCode).toBe(404);
      expect(indicator.json()).toMatchObject({ code: 'NOT_FOUND' });
      const place = await get('/v1/observations?unit=Atlantis');
      expect(place.statusCode).toBe(404);
      expect(place.json()).toMatchObject({ code: 'UNIT_NOT_FOUND' });
      // A legacy code on a later date is not found (a legacy name is its successor since issue 16), and the problem
      // says what became of it.
      const legacy = await get('/v1/observations?unit=89&asOf=2025-08-01');
      expect(legacy.statusCode).toBe(404);
      expect(legacy.json<{ detail: string }>().detail).toContain('part of 91 Tỉnh An Giang');
    });
  });

  describe('GET /v1/observations/{indicator}/{unit}/{period}/revisions', () => {
    it('every change with its connection, run, time, old and new value and status', async () => {
      const res = await get('/v1/observations/DVC_DOSSIERS_NEW/91/2025-08/revisions');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ unit: { id: number }; current: unknown; revisions: { changedAt: string }[] }>();
      expect(body).toMatchObject({
        indicator: 'DVC_DOSSIERS_NEW',
        unit: { id: unit.p91, code: '91', name: 'Tỉnh An Giang' },
        period: '2025-08',
        current: { value: '75', status: 'final', connectionId: 'dvc', runId: runs.second, rawRecordIds: [runs.second], unitsViaSuccession: false },
      });
      const connection = { id: 'dvc', name: 'Cổng DVC An Giang', connectorId: 'dvc-portal' };
      expect(body.revisions).toEqual([
        { id: expect.any(Number) as unknown, change: 'insert', oldValue: null, newValue: '70', oldStatus: null, newStatus: 'final', connection, run: { id: runs.first, mode: 'incremental', status: 'succeeded', startedAt: expect.any(String) as unknown }, rawRecordIds: [runs.first], changedAt: expect.any(String) as unknown },
        { id: expect.any(Number) as unknown, change: 'update', oldValue: '70', newValue: '75', oldStatus: 'final', newStatus: 'final', connection, run: { id: runs.second, mode: 'incremental', status: 'succeeded', startedAt: expect.any(String) as unknown }, rawRecordIds: [runs.second], changedAt: expect.any(String) as unknown },
      ]);
    });

    it('the unit by name as it was in the period; a withdrawn observation keeps its history', async () => {
      const legacy = (await get('/v1/observations/DVC_DOSSIERS_NEW/An%20Giang/2024-03/revisions')).json<{ unit: { id: number }; revisions: { newValue: string }[] }>();
      expect(legacy.unit.id).toBe(unit.p89);
      expect(legacy.revisions.map((r) => r.newValue)).toEqual(['100']);
      const withdrawn = (await get('/v1/observations/PATENT_APPLICATIONS/91/2025/revisions')).json<{ current: unknown; revisions: { change: string; oldValue: string | null }[] }>();
      expect(withdrawn.current).toBeNull();
      expect(withdrawn.revisions.map((r) => [r.change, r.oldValue])).toEqual([['insert', null], ['remove', '3']]);
    });

    it('a computed value\'s history; 404 for a key never reported or computed, an unknown indicator or unit; 400 names the bad field', async () => {
      const never = await get('/v1/observations/DVC_DOSSIERS_NEW/91/2023-01/revisions');
      expect(never.statusCode).toBe(404);
      expect(never.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('DVC_DOSSIERS_NEW/91/2023-01') as unknown });
      // A computed value that no source reports has its own history, with the run whose refresh computed it.
      const computed = await get('/v1/observations/DVC_ONLINE_RATE/91/2025/revisions');
      expect(computed.statusCode).toBe(200);
      expect(computed.json()).toMatchObject({
        current: null,
        revisions: [],
        computed: { current: { value: '60', runId: runs.second }, revisions: [{ change: 'insert', oldValue: null, newValue: '60', run: { id: runs.second, mode: 'incremental' } }] },
      });
      expect((await get('/v1/observations/NO_SUCH_INDICATOR/91/2025-08/revisions')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect((await get('/v1/observations/DVC_DOSSIERS_NEW/Atlantis/2025-08/revisions')).json()).toMatchObject({ status: 404, code: 'UNIT_NOT_FOUND' });
      expect((await get('/v1/observations/DVC_DOSSIERS_NEW/91/2025-13/revisions')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'params.period' })] });
      expect((await get('/v1/observations/DVC_DOSSIERS_NEW/91/2025-08/revisions?asOf=yesterday')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.asOf' })] });
    });
  });

  describe('GET /v1/targets', () => {
    it('targets with their document and year, filtered by unit, indicator, document, year', async () => {
      const res = await get('/v1/targets?unit=An%20Giang&indicator=DVC_ONLINE_RATE');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          {
            id: expect.any(Number) as unknown, indicator: 'DVC_ONLINE_RATE', unit: { id: unit.p91, code: '91', name: 'Tỉnh An Giang', validFrom: '2025-07-01', validTo: null },
            year: 2030, comparison: 'gt', value: '80', valueMax: null, basis: 'point', text: '> 80', note: null,
            document: { id: 'an-giang-02-ctr-tu', title: 'Chương trình hành động thực hiện Nghị quyết 57-NQ/TW', number: '02-CTr/TU', issuedOn: '2025-08-22', issuer: 'Ban Chấp hành Đảng bộ tỉnh An Giang' },
          },
          {
            id: expect.any(Number) as unknown, indicator: 'DVC_ONLINE_RATE', unit: { id: unit.p91, code: '91', name: 'Tỉnh An Giang', validFrom: '2025-07-01', validTo: null },
            year: 2030, comparison: 'gt', value: '80', valueMax: null, basis: 'point', text: '> 80', note: null,
            document: { id: 'an-giang-plan-03-nq-cp', title: expect.stringContaining('Nghị quyết 03/NQ-CP') as unknown, number: null, issuedOn: null, issuer: 'Ủy ban nhân dân tỉnh An Giang' },
          },
        ],
      });
      const programme = (await get('/v1/targets?document=an-giang-02-ctr-tu&year=2030')).json<{ items: { indicator: string }[] }>();
      expect(programme.items).toHaveLength(11);
      const growth = (await get('/v1/targets?indicator=PATENT_APPLICATIONS_GROWTH&document=an-giang-plan-03-nq-cp')).json<{ items: unknown[] }>();
      expect(growth.items).toEqual([expect.objectContaining({ comparison: 'range', value: '16', valueMax: '18', basis: 'annual_average', text: '16..18 per year on average' })]);
      expect((await get('/v1/targets?unit=40')).json()).toEqual({ items: [] });
    });

    it('404 for an unknown unit, indicator or document; 400 names the bad field', async () => {
      expect((await get('/v1/targets?unit=Atlantis')).json()).toMatchObject({ status: 404, code: 'UNIT_NOT_FOUND' });
      expect((await get('/v1/targets?indicator=NO_SUCH_INDICATOR')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect((await get('/v1/targets?document=no-such-document')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect((await get('/v1/targets?year=soon')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.year' })] });
    });
  });

  describe('GET /v1/progress', () => {
    interface ProgressItem {
      target: { indicator: string; document: { id: string }; year: number };
      latest: unknown;
      baseline: unknown;
      expected: string | null;
      gap: string | null;
      status: string;
    }
    const pick = (items: ProgressItem[], indicator: string, document: string) => {
      const found = items.find((i) => i.target.indicator === indicator && i.target.document.id === document);
      if (!found) throw new Error(`no progress item for ${indicator} of ${document}`);
      return { latest: found.latest, baseline: found.baseline, expected: found.expected, gap: found.gap, status: found.status };
    };
    const plan = 'an-giang-plan-03-nq-cp';
    const programme = 'an-giang-02-ctr-tu';

    it('each target of the unit: latest value, baseline, gap and status', async () => {
      const res = await get('/v1/progress?unit=An%20Giang&asOf=2026-03-01&year=2030');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ unit: { id: number }; asOf: string; items: ProgressItem[] }>();
      expect(body.unit).toEqual({ id: unit.p91, code: '91', name: 'Tỉnh An Giang' });
      expect(body.items).toHaveLength(22);
      // > 80 by 2030 from 50 in 2024: the line stands at 50 + 30 / 6 = 55 in 2025; the rate is 60.
      for (const doc of [plan, programme]) {
        expect(pick(body.items, 'DVC_ONLINE_RATE', doc)).toEqual({ latest: { period: '2025', value: '60' }, baseline: { period: '2024', value: '50' }, expected: '55', gap: '20', status: 'on track' });
      }
      // >= 20 (plan) and >= 30 (programme) from the 6.11 baseline: 6.11 + 13.89 / 6 = 8.425 and 6.11 + 23.89 / 6 = 10.0916666…; the share is 7.
      expect(pick(body.items, 'DIGITAL_ECONOMY_SHARE', plan)).toEqual({ latest: { period: '2025', value: '7' }, baseline: { period: '2024', value: '6.11' }, expected: '8.425', gap: '13', status: 'at risk' });
      expect(pick(body.items, 'DIGITAL_ECONOMY_SHARE', programme)).toMatchObject({ expected: '10.091666666667', gap: '23', status: 'at risk' });
      // Rank 25: in the plan's top 30, not in the programme's top 20 (and no earlier year to measure from).
      expect(pick(body.items, 'PII_RANK', plan)).toEqual({ latest: { period: '2025', value: '25' }, baseline: null, expected: null, gap: '5', status: 'met' });
      expect(pick(body.items, 'PII_RANK', programme)).toEqual({ latest: { period: '2025', value: '25' }, baseline: null, expected: null, gap: '-5', status: 'at risk' });
      expect(pick(body.items, 'CASHLESS_TXN_SHARE', plan)).toEqual({ latest: null, baseline: null, expected: null, gap: null, status: 'no data' });

      const all = (await get('/v1/progress?unit=91&asOf=2026-03-01')).json<{ items: ProgressItem[] }>().items;
      expect(all.filter((i) => i.target.year === 2045).map((i) => `${i.target.indicator} ${i.target.document.id}`).sort()).toEqual([
        `DIGITAL_ECONOMY_SHARE ${programme}`, `DIGITAL_ECONOMY_SHARE ${plan}`, `PII_RANK ${plan}`,
      ]);
      expect((await get(`/v1/progress?unit=91&document=${programme}&year=2030`)).json<{ items: unknown[] }>().items).toHaveLength(11);
      expect((await get('/v1/progress?unit=40')).json()).toMatchObject({ unit: { id: unit.p40 }, items: [] });
    });

    it('a repeating ratio: JSON exact to 12 decimals at most, the reason rounded to the indicator\'s 1 place', async () => {
      // RD_PERSONNEL_PER_10K = 10000 × RD_PERSONNEL / POPULATION. 2024, legacy 89 + 91: 10000 × (1000 + 500) / (1900000 + 1800000)
      // = 4.054054…; 2025, the merged An Giang: 10000 × 2000 / 3600000 = 5.555… (stored to 40 digits).
      // Plan (>= 12): the line stands at 4.054054… + (12 − 4.054054…) / 6 = 5.378378…; programme (>= 8): 4.054054… + 3.945945… / 6 = 4.711711….
      const { db } = api.t;
      const run = (await db.insertInto('sync_run').values({ connection_id: 'dvc', mode: 'incremental', status: 'succeeded', started_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
      await observe(run, [
        ['RD_PERSONNEL', unit.p89, '2024', '1000'], ['POPULATION', unit.p89, '2024', '1900000'],
        ['RD_PERSONNEL', unit.p91old, '2024', '500'], ['POPULATION', unit.p91old, '2024', '1800000'],
        ['RD_PERSONNEL', unit.p91, '2025', '2000'], ['POPULATION', unit.p91, '2025', '3600000'],
      ]);
      await refreshIndicatorValues(db, { runId: run, logger: createLogger('silent') });
      const stored = await sql<{ value: string }>`select v.value::text as value from indicator_value v where v.indicator_code = 'RD_PERSONNEL_PER_10K' and v.unit_id = ${unit.p91} and v.period_code = '2025'`.execute(db);
      expect(stored.rows[0]?.value.length).toBeGreaterThan(30); // what the API used to print

      const res = await get('/v1/progress?unit=91&asOf=2026-03-01&year=2030');
      const items = res.json<{ items: (ProgressItem & { reason: string })[] }>().items;
      const latest = { period: '2025', value: '5.555555555556' };
      const baseline = { period: '2024', value: '4.054054054054' };
      expect(pick(items, 'RD_PERSONNEL_PER_10K', plan)).toEqual({ latest, baseline, expected: '5.378378378378', gap: '6.444444444444', status: 'on track' });
      expect(pick(items, 'RD_PERSONNEL_PER_10K', programme)).toEqual({ latest, baseline, expected: '4.711711711712', gap: '2.444444444444', status: 'on track' });
      const reason = items.find((i) => i.target.indicator === 'RD_PERSONNEL_PER_10K' && i.target.document.id === plan)?.reason;
      expect(reason).toBe('not met yet; 5.6 in 2025 is at or ahead of the line from 4.1 in 2024 to 12.0 in 2030, which stands at 5.4 there');
      // Every number in the answer: decimal text, never an exponent, at most 12 decimals.
      const numbers = items.flatMap((i) => [i.expected, i.gap, ...[i.latest, i.baseline].map((p) => (p as { value: string } | null)?.value ?? null)]).filter((v) => v !== null);
      expect(numbers.length).toBeGreaterThan(20);
      for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d{1,12})?$/);
    });

    it('400 names the bad field; 404 for an unknown unit or document', async () => {
      expect((await get('/v1/progress')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.unit' })] });
      expect((await get('/v1/progress?unit=91&asOf=2026-13-01')).json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'querystring.asOf' })] });
      expect((await get('/v1/progress?unit=Atlantis')).json()).toMatchObject({ status: 404, code: 'UNIT_NOT_FOUND' });
      expect((await get('/v1/progress?unit=91&document=no-such-document')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    });
  });
});
