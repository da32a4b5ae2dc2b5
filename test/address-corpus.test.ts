import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { UnitDirectory } from '../src/pipeline/unit-directory.js';
import { loadAdminUnits } from '../src/reference/admin-units/index.js';
import { resolvePlace } from '../src/units/place-resolver.js';
import { referenceCatalogue } from '../src/units/reference-catalogue.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * test/fixtures/address-corpus.csv: addresses as people write them, with the day written and what they must
 * resolve to (a province code and whether through succession), or the rejection code and a part of its reason.
 * Rows with needs=communes are settled by a commune the address names: only with the commune files.
 */
interface Row {
  readonly address: string;
  readonly date: string;
  readonly expected: string;
  readonly resolution: string;
  readonly reason: string;
  readonly needs: string;
  readonly note: string;
}

const corpus = parse<Row>(await readFile(join(projectRoot, 'test/fixtures/address-corpus.csv')), { columns: true });
const dir = resolve(projectRoot, process.env.LGSP_ADMIN_UNITS_DIR ?? '../shared/data/admin-units');
const communesPresent = existsSync(join(dir, 'communes-2025.csv'));
const reform = '2025-07-01';

/** What a row expects, in the form compared: "91 current succession" or "!UNIT_AMBIGUOUS". */
function expectation(row: Row): string {
  if (row.expected.startsWith('!')) return row.expected;
  return `${row.expected} ${row.date < reform ? 'legacy' : 'current'} ${row.resolution}`;
}

describe('the address corpus', () => {
  it('is large and varied: 300+ addresses, before and after the reform, across 30+ legacy and current provinces', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const found = corpus.filter((r) => !r.expected.startsWith('!'));
    expect(new Set(found.filter((r) => r.date < reform).map((r) => r.expected)).size).toBeGreaterThanOrEqual(30);
    expect(new Set(found.filter((r) => r.date >= reform).map((r) => r.expected)).size).toBeGreaterThanOrEqual(30);
    expect(found.filter((r) => r.resolution === 'succession').length).toBeGreaterThanOrEqual(50);
  });

  it('resolves 100 % at province level from the reference files alone, as connectors do (no commune files)', async () => {
    const catalogue = await referenceCatalogue();
    const rows = corpus.filter((r) => r.needs !== 'communes');
    const wrong = rows.flatMap((row) => {
      const r = resolvePlace(catalogue, row.address, { asOf: row.date, level: 'province' });
      const got = r.ok ? `${r.unit.code} ${r.unit.validTo === null ? 'current' : 'legacy'} ${r.resolution}` : `!${r.code}`;
      const reasonOk = r.ok || r.reason.includes(row.reason);
      return got === expectation(row) && reasonOk ? [] : [{ address: row.address, date: row.date, want: expectation(row), got, reason: r.ok ? r.part : r.reason }];
    });
    expect(wrong).toEqual([]);
  });

  describe(`through the engine (the warehouse ${communesPresent ? 'with' : 'WITHOUT'} the commune files)`, () => {
    let t: TestDatabase;
    let units: UnitDirectory;
    beforeAll(async () => {
      t = await createTestDatabase();
      await loadAdminUnits(t.db, { dir: communesPresent ? dir : null });
      units = await UnitDirectory.load(t.db);
    });
    afterAll(async () => t.drop());

    // Rows settled by a commune are skipped when the commune files are absent (LGSP_ADMIN_UNITS_DIR).
    it(`resolves 100 %${communesPresent ? '' : ' (rows needing communes skipped: no commune files)'}`, async () => {
      const rows = corpus.filter((r) => communesPresent || r.needs !== 'communes');
      const versions = new Map((await t.db.selectFrom('admin_unit').select(['id', 'code', 'valid_to']).execute()).map((u) => [u.id, u]));
      const wrong: unknown[] = [];
      for (const row of rows) {
        const r = await units.lookup({ address: row.address, level: 'province', asOf: row.date });
        const u = 'unitId' in r ? versions.get(r.unitId) : undefined;
        const got = 'unitId' in r ? `${u?.code ?? '?'} ${u?.valid_to === null ? 'current' : 'legacy'} ${r.resolution}` : `!${r.code}`;
        const reasonOk = 'unitId' in r || r.reason.includes(row.reason);
        if (got !== expectation(row) || !reasonOk) wrong.push({ address: row.address, date: row.date, want: expectation(row), got });
      }
      expect(wrong).toEqual([]);
    });
  });
});
