import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTarget, listTargets } from '../src/reference/catalogue-queries.js';
import { loadReferenceData } from '../src/reference/load-reference.js';
import { defaultTargetsPath, loadTargets, readTargets } from '../src/reference/targets.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('targets', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadReferenceData(t.db, { adminUnitsDir: null });
  });
  afterAll(async () => t.drop());

  it('keeps both An Giang documents, each target with its document, on the merged province 91', async () => {
    const targets = await listTargets(t.db);
    expect(targets).toHaveLength(25);
    const digital = targets.filter((x) => x.indicatorCode === 'DIGITAL_ECONOMY_SHARE').map((x) => [x.unitCode, x.unitName, x.year, describeTarget(x), x.document.id]);
    expect(digital).toEqual([
      ['91', 'Tỉnh An Giang', 2030, '>= 30', 'an-giang-02-ctr-tu'],
      ['91', 'Tỉnh An Giang', 2030, '>= 20', 'an-giang-plan-03-nq-cp'],
      ['91', 'Tỉnh An Giang', 2045, '>= 50', 'an-giang-02-ctr-tu'],
      ['91', 'Tỉnh An Giang', 2045, '>= 35', 'an-giang-plan-03-nq-cp'],
    ]);
    const unit = await t.db.selectFrom('target').innerJoin('admin_unit', 'admin_unit.id', 'target.unit_id').select(['valid_from', 'valid_to']).distinct().execute();
    expect(unit).toEqual([{ valid_from: '2025-07-01', valid_to: null }]);
    const growth = targets.filter((x) => x.indicatorCode === 'PATENT_APPLICATIONS_GROWTH').map((x) => `${x.document.number ?? x.document.id}: ${describeTarget(x)}`);
    expect(growth).toEqual(['02-CTr/TU: > 10 per year on average', 'an-giang-plan-03-nq-cp: 16..18 per year on average']);
    const pii = targets.find((x) => x.indicatorCode === 'PII_RANK' && x.year === 2030 && x.document.id === 'an-giang-02-ctr-tu');
    expect(pii && describeTarget(pii)).toBe('top 20');
  });

  it('loading again changes nothing', async () => {
    const again = await loadTargets(t.db, await readTargets());
    expect(again.targets).toEqual({ inserted: 0, updated: 0, unchanged: 25, removed: 0 });
    expect(again.documents).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('reports a bad target row with its line and loads the others; drops nothing while a row is unusable', async () => {
    const lines = (await readFile(defaultTargetsPath, 'utf8')).split('\n');
    const hdi = lines.findIndex((l) => l.includes('indicator: HDI'));
    const rank = lines.findIndex((l) => l.includes('indicator: PII_RANK, comparison: top, value: 20 }') && l.includes('02-ctr-tu'));
    lines[hdi] = lines[hdi]?.replace('indicator: HDI', 'indicator: HDI_TYPO') ?? '';
    lines[rank] = lines[rank]?.replace('value: 20 }', 'value: "twenty" }') ?? '';
    const file = await writeTemp(lines);

    const report = await loadTargets(t.db, await readTargets(file), file);
    expect(report.problems).toEqual([
      { file, line: rank + 1, reason: 'value: Invalid input: expected number, received string' },
      { file, line: hdi + 1, reason: 'unknown indicator HDI_TYPO; see config/indicators.yaml' },
    ]);
    expect(report.targets).toEqual({ inserted: 0, updated: 0, unchanged: 23, removed: 0 });
    expect(await listTargets(t.db)).toHaveLength(25);
  });

  it('removes a target the file no longer has, and updates a changed one', async () => {
    const lines = (await readFile(defaultTargetsPath, 'utf8')).split('\n');
    lines.splice(lines.findIndex((l) => l.includes('indicator: SMART_CITIES, comparison: gte, value: 1 }')), 1);
    const hdi = lines.findIndex((l) => l.includes('indicator: HDI'));
    lines[hdi] = lines[hdi]?.replace('value: 0.7', 'value: 0.75') ?? '';
    const file = await writeTemp(lines);

    const report = await loadTargets(t.db, await readTargets(file), file);
    expect(report.problems).toEqual([]);
    expect(report.targets).toEqual({ inserted: 0, updated: 1, unchanged: 23, removed: 1 });
    const targets = await listTargets(t.db);
    expect(targets.filter((x) => x.indicatorCode === 'SMART_CITIES').map((x) => x.document.id)).toEqual(['an-giang-02-ctr-tu']);
    expect(targets.find((x) => x.indicatorCode === 'HDI')?.value).toBe('0.75');
  });
});

async function writeTemp(lines: string[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'lgsp-targets-')), 'targets.yaml');
  await writeFile(file, lines.join('\n'));
  return file;
}
