import type { UpsertCounts } from '../../warehouse/upsert.js';
import type { LoadProblem } from '../problems.js';

export type { LoadProblem };

export interface AdminUnitsReport {
  /** What the load did to each table. */
  readonly counts: {
    readonly admin_unit: UpsertCounts;
    readonly admin_unit_succession: UpsertCounts;
    /** `removed`: aliases no longer in config/unit-aliases.csv. */
    readonly admin_unit_name: UpsertCounts & { readonly removed: number };
  };
  /** Rows that could not be used, with file and physical line; everything else loaded. */
  readonly problems: LoadProblem[];
  /** Whether the current communes were loaded; false means the warehouse holds provinces only. */
  readonly communesLoaded: boolean;
  /** What the load did not do and why, e.g. "commune files were not found at /path: loaded provinces only". */
  readonly notes: string[];
}
