import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import type { UpsertCounts } from '../warehouse/upsert.js';
import { loadAdminUnits, type AdminUnitsReport } from './admin-units/index.js';
import { defaultCataloguePath, loadIndicatorCatalogue, readIndicatorCatalogue } from './indicator-catalogue.js';
import type { LoadProblem } from './problems.js';
import { defaultTargetsPath, loadTargets, readTargets, type TargetsLoadReport } from './targets.js';

export interface ReferenceLoadOptions {
  /** Folder with the commune files; null or missing loads provinces only. */
  readonly adminUnitsDir: string | null;
  readonly cataloguePath?: string;
  readonly targetsPath?: string;
  readonly logger?: Logger;
}

export interface ReferenceLoadReport {
  readonly indicators: UpsertCounts;
  readonly adminUnits: AdminUnitsReport;
  readonly targets: TargetsLoadReport;
  readonly problems: LoadProblem[];
  readonly durationMs: number;
}

/** Loads the catalogue, the administrative units and the targets, in that order. Idempotent. */
export async function loadReferenceData(db: Db, options: ReferenceLoadOptions): Promise<ReferenceLoadReport> {
  const started = performance.now();
  const log = options.logger;
  const catalogue = await readIndicatorCatalogue(options.cataloguePath ?? defaultCataloguePath);
  const indicators = await loadIndicatorCatalogue(db, catalogue);
  log?.info({ ...indicators }, 'indicator catalogue loaded');

  const adminUnits = await loadAdminUnits(db, { dir: options.adminUnitsDir });
  log?.info({ problems: adminUnits.problems.length }, 'administrative units loaded');

  const targetsPath = options.targetsPath ?? defaultTargetsPath;
  const targets = await loadTargets(db, await readTargets(targetsPath), targetsPath);
  log?.info({ ...targets.targets, problems: targets.problems.length }, 'targets loaded');

  return {
    indicators,
    adminUnits,
    targets,
    problems: [...adminUnits.problems, ...targets.problems],
    durationMs: Math.round(performance.now() - started),
  };
}
