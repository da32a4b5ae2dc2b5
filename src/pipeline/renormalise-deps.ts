import type { ConnectorDefinition } from '../connector-sdk/types.js';
import type { Logger } from '../logger.js';
import type { Db } from '../warehouse/database.js';
import type { SyncRun } from '../warehouse/sync-runs.js';
import type { IndicatorDependencies } from './dependents.js';
import type { PageProgress } from './run-sync.js';
import type { UnitDirectory } from './unit-directory.js';
import type { UnitGraph } from './unit-graph.js';

/** What a run that normalises landed records again, without fetching (replay, reprocess), works with. */
export interface RenormaliseDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly connector: ConnectorDefinition;
  readonly run: SyncRun;
  readonly indicators: ReadonlySet<string>;
  readonly units: UnitDirectory;
  readonly dependencies: IndicatorDependencies;
  readonly graph: UnitGraph;
  readonly signal: AbortSignal;
  readonly onPage?: (progress: PageProgress) => void | Promise<void>;
}
