import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../warehouse/database.js';
import { addCounts } from '../../warehouse/upsert.js';
import { loadUnitAliases, defaultAliasesFile } from './aliases.js';
import { addDays } from '../../dates.js';
import { communes2025File, loadCurrentCommunes, reformDate } from './communes-2025.js';
import { importGsoCatalogue, legacyCatalogueFile } from './gso-catalogue.js';
import type { AdminUnitsReport, LoadProblem } from './problems.js';
import { defaultProvincesFile, loadProvinces } from './provinces.js';
import { communeSuccessionsFile, loadCommuneSuccessions } from './successions.js';

export interface LoadAdminUnitsOptions {
  /** Folder with the commune files (see /work/shared/data/admin-units/README.md); null: provinces only. */
  readonly dir: string | null;
  readonly provincesFile?: string;
  readonly aliasesFile?: string;
}

/**
 * Loads the administrative-unit reference: country and provinces (config/provinces.csv, always), the current and
 * legacy communes and their successions (when `dir` holds them), and the name index. Idempotent: a second load
 * reports nothing inserted or updated. One transaction: a file that cannot be used at all leaves nothing half-written.
 */
export async function loadAdminUnits(db: Db, options: LoadAdminUnitsOptions): Promise<AdminUnitsReport> {
  return db.transaction().execute(async (trx) => {
    const problems: LoadProblem[] = [];
    const notes: string[] = [];
    const p = await loadProvinces(trx, options.provincesFile ?? defaultProvincesFile);
    let units = p.units;
    let names = p.names;
    let successions = p.successions;
    problems.push(...p.problems);

    const files = options.dir === null ? null : {
      current: join(options.dir, communes2025File),
      legacy: join(options.dir, legacyCatalogueFile),
      links: join(options.dir, communeSuccessionsFile),
    };
    let communesLoaded = false;
    if (files === null) {
      notes.push('no commune directory given: loaded provinces only');
    } else if (![files.current, files.legacy, files.links].some((f) => existsSync(f))) {
      notes.push(`commune files were not found at ${options.dir ?? ''}: loaded provinces only`);
    } else {
      const missing = (f: string, consequence: string) => notes.push(`${f} was not found: ${consequence}`);
      if (existsSync(files.current)) {
        const c = await loadCurrentCommunes(trx, files.current, reformDate);
        units = addCounts(units, c.units);
        names = addCounts(names, c.names);
        problems.push(...c.problems);
        communesLoaded = true;
      } else missing(files.current, 'current communes not loaded');
      if (existsSync(files.legacy)) {
        const g = await importGsoCatalogue(trx, files.legacy, { validFrom: null, validTo: addDays(reformDate, -1) });
        units = addCounts(units, g.units);
        names = addCounts(names, g.names);
        problems.push(...g.problems);
      } else missing(files.legacy, 'legacy communes not loaded');
      if (existsSync(files.links)) {
        const s = await loadCommuneSuccessions(trx, files.links, reformDate);
        successions = addCounts(successions, s.successions);
        problems.push(...s.problems);
      } else missing(files.links, 'commune successions not loaded');
    }

    const a = await loadUnitAliases(trx, options.aliasesFile ?? defaultAliasesFile);
    names = addCounts(names, a.names);
    const removed = a.names.removed;
    problems.push(...a.problems);
    return { counts: { admin_unit: units, admin_unit_succession: successions, admin_unit_name: { ...names, removed } }, problems, communesLoaded, notes };
  });
}

