import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, loadContributors, loadIndicatorRules } from '../src/aggregation/index.js';
import { subtreeOf } from '../src/aggregation/contributors.js';
import { projectRoot } from '../src/config/project-root.js';
import { createLogger } from '../src/logger.js';
import { dependentKeys, indicatorDependencies } from '../src/pipeline/dependents.js';
import { refreshIndicatorValues } from '../src/pipeline/refresh-values.js';
import { UnitGraph } from '../src/pipeline/unit-graph.js';
import { parsePeriod } from '../src/periods/period.js';
import { ensurePeriods } from '../src/periods/store.js';
import { loadReferenceData } from '../src/reference/load-reference.js';
import { markDirty } from '../src/warehouse/indicator-values.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const adminUnitsDir = resolve(projectRoot, process.env.LGSP_ADMIN_UNITS_DIR ?? '../shared/data/admin-units');

/**
 * A refresh computes a legacy province inside the tree of the province it merged into (one load, one memo for
 * both). That is only right if the legacy province's subtree there is its own tree: checked over the real units,
 * and the values checked against computing each unit on its own.
 */
describe('refreshing values in the reporting province\'s tree', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadReferenceData(t.db, { adminUnitsDir });
  }, 60_000);
  afterAll(async () => t.drop());

  it('every legacy province\'s subtree in its successor\'s tree is its own contributor tree', async () => {
    const graph = await UnitGraph.load(t.db);
    const legacy = await t.db.selectFrom('admin_unit').select(['id', 'code']).where('level', '=', 'province').where('valid_to', 'is not', null).execute();
    expect(legacy).toHaveLength(63);
    for (const p of legacy) {
      const reporting = graph.reportingProvinceOf(p.id);
      expect(reporting, `legacy province ${p.code} merges into a current province`).not.toBe(p.id);
      const own = await loadContributors(t.db, p.id);
      const node = (await loadContributors(t.db, reporting)).nodes.get(p.id);
      expect(node, `legacy province ${p.code} is in its successor's tree`).toBeDefined();
      if (!node) continue;
      const inShared = subtreeOf(node).map((n) => n.unit.id).sort((a, b) => a - b);
      expect(inShared, `subtree of legacy province ${p.code}`).toEqual([...own.nodes.keys()].sort((a, b) => a - b));
      expect(own.leftOut).toEqual([]);
    }
  }, 120_000);

  it('gives the values and notes each unit gets computed on its own', async () => {
    // Dossiers of some communes of legacy An Giang (89) and Kiên Giang (91) in 2025-03, and of current 91 in 2025-08.
    const communes = async (province: string, legacy: boolean, n: number) =>
      (await sql<{ id: number }>`
        select c.id from admin_unit c join admin_unit p on p.id = c.parent_id
        where p.code = ${province} and p.level = 'province' and (p.valid_to is not null) = ${legacy}
        order by c.code limit ${n}`.execute(t.db)).rows.map((r) => r.id);
    const rows = [
      ...(await communes('89', true, 3)).map((id, i) => ({ unitId: id, period: '2025-03', value: 100 + i })),
      ...(await communes('91', true, 2)).map((id, i) => ({ unitId: id, period: '2025-03', value: 40 + i })),
      ...(await communes('91', false, 2)).map((id, i) => ({ unitId: id, period: '2025-08', value: 7 + i })),
    ];
    await ensurePeriods(t.db, [parsePeriod('2025-03'), parsePeriod('2025-08')]);
    for (const r of rows) {
      for (const [indicator, value] of [['DVC_DOSSIERS_NEW', r.value], ['DVC_DOSSIERS_ONLINE', Math.floor(r.value / 2)]] as const) {
        await sql`insert into observation (indicator_code, unit_id, period_code, value, status, measure_unit)
                  values (${indicator}, ${r.unitId}, ${r.period}, ${value}, 'final', 'hồ sơ')`.execute(t.db);
      }
    }
    const catalogue = await loadIndicatorRules(t.db);
    const graph = await UnitGraph.load(t.db);
    const touched = rows.flatMap((r) => ['DVC_DOSSIERS_NEW', 'DVC_DOSSIERS_ONLINE'].map((indicator) => ({ indicator, unitId: r.unitId, period: r.period })));
    await markDirty(t.db, dependentKeys(touched, graph, indicatorDependencies(catalogue)));
    await refreshIndicatorValues(t.db, { runId: null, logger: createLogger('silent'), catalogue, graph });

    const stored = await t.db.selectFrom('indicator_value').select(['indicator_code', 'unit_id', 'period_code', 'value', 'notes']).execute();
    expect(stored.length).toBeGreaterThan(0);
    for (const v of stored) {
      const alone = await aggregate(t.db, { indicator: v.indicator_code, unitId: v.unit_id, period: v.period_code });
      expect({ value: v.value, notes: v.notes }, `${v.indicator_code} ${v.unit_id} ${v.period_code}`).toEqual({ value: alone.value?.toFixed() ?? null, notes: alone.notes });
    }
    // By hand: current An Giang, 2025: legacy 89 (100 + 101 + 102) + legacy 91 (40 + 41) in March, current (7 + 8) in August.
    const anGiang = await sql<{ value: string }>`
      select v.value::text as value from indicator_value v join admin_unit u on u.id = v.unit_id
      where v.indicator_code = 'DVC_DOSSIERS_NEW' and u.code = '91' and u.level = 'province' and u.valid_to is null and v.period_code = '2025'`.execute(t.db);
    expect(anGiang.rows[0]?.value).toBe(String(100 + 101 + 102 + 40 + 41 + 7 + 8));
    expect(await t.db.selectFrom('indicator_value_dirty').select('id').execute()).toEqual([]);
  }, 120_000);
});
