import type { Page, SourceRecord, StreamDefinition } from '../connector-sdk/types.js';
import type { Logger } from '../logger.js';
import { applyObservationChanges } from '../warehouse/observations.js';
import type { Db } from '../warehouse/database.js';
import { replaceContributions, withdrawAbsentRecords } from '../warehouse/contributions.js';
import { recordRejections } from '../warehouse/rejections.js';
import { landRecords, type HashedRecord, type LandedRecord, type StreamRef } from '../warehouse/source-records.js';
import { contentHash } from './content-hash.js';
import { writeCursor } from '../warehouse/sync-state.js';
import { addRunCounts, zeroCounts, type RunCounts } from '../warehouse/sync-runs.js';
import { markDirty } from '../warehouse/indicator-values.js';
import { dependentKeys, type IndicatorDependencies } from './dependents.js';
import type { UnitGraph } from './unit-graph.js';
import { normaliseRecords, type NormalisedPage } from './normalise.js';
import type { UnitDirectory } from './unit-directory.js';

export interface PageContext<C> {
  readonly db: Db;
  readonly ref: StreamRef;
  readonly stream: StreamDefinition<C>;
  readonly indicators: ReadonlySet<string>;
  readonly units: UnitDirectory;
  readonly dependencies: IndicatorDependencies;
  readonly graph: UnitGraph;
  /** Bounded backfills leave the connection's incremental cursor where it was. */
  readonly advanceConnectionCursor: boolean;
  readonly logger: Logger;
}

/** A page as fetched, with what can be worked out before touching the database. */
export interface PreparedPage {
  readonly page: Page;
  /** One record per key, the newest of duplicates, with its content hash. */
  readonly records: readonly HashedRecord[];
}

/** A record seen twice on one page (it moved while the source was paged): the later, newer one counts. */
export function newestByKey(records: readonly SourceRecord[]): SourceRecord[] {
  const byKey = new Map<string, SourceRecord>();
  for (const r of records) {
    byKey.delete(r.key);
    byKey.set(r.key, r);
  }
  return [...byKey.values()];
}

/** Pure work (no I/O), done while the previous page is being written (see read-ahead.ts). */
export function preparePage(page: Page): PreparedPage {
  return { page, records: newestByKey(page.records).map((record) => ({ record, hash: contentHash(record.data) })) };
}

/**
 * The stages for one page, in one transaction: land, normalise, replace contributions, recompute the touched
 * observations (with revisions and outbox events), record rejections, advance the cursor, count. A crash at any
 * point leaves the previous page's state: the run resumes from the last committed cursor, nothing lost or doubled.
 */
export async function processPage<C>(ctx: PageContext<C>, { page, records }: PreparedPage): Promise<RunCounts> {
  return ctx.db.transaction().execute(async (trx) => {
    const landed = await landRecords(trx, ctx.ref, records);
    const counts = await applyLanded(trx, ctx, landed.changed, page.completeScopes ?? []);
    counts.records_fetched = page.records.length;
    counts.records_landed = landed.landed;
    counts.records_unchanged = landed.unchanged;
    await writeCursor(trx, ctx.ref, page.cursor, { advanceConnection: ctx.advanceConnectionCursor });
    await addRunCounts(trx, ctx.ref.runId, counts);
    return counts;
  });
}

/** Normalise landed records and write what follows from them. Shared by syncs and replays. */
export async function applyLanded<C>(trx: Db, ctx: PageContext<C>, landed: readonly LandedRecord[], completeScopes: readonly string[]): Promise<RunCounts> {
  const normalised = await normaliseRecords(ctx.stream, landed, { connectionId: ctx.ref.connectionId, indicators: ctx.indicators, units: ctx.units });
  await recordRejections(trx, ctx.ref, normalised.rejections);
  return applyNormalised(trx, ctx, landed, normalised, completeScopes);
}

/**
 * Writes what normalised records give: contributions, withdrawals, observations with their revisions and outbox
 * events, marks. Rejections are the caller's to record (a reprocess updates the rejected records it read instead).
 */
export async function applyNormalised<C>(trx: Db, ctx: PageContext<C>, landed: readonly LandedRecord[], normalised: NormalisedPage, completeScopes: readonly string[]): Promise<RunCounts> {
  const earlier = new Set(landed.filter((l) => l.replacesEarlier).map((l) => l.record.key));
  const replaced = await replaceContributions(trx, ctx.ref, normalised.acceptedKeys.filter((k) => earlier.has(k)), normalised.contributions);
  const withdrawn = await withdrawAbsentRecords(trx, ctx.ref, completeScopes);
  const touched = [...replaced, ...withdrawn.keys];
  const changes = await applyObservationChanges(trx, ctx.ref, touched);
  if (changes.inserted + changes.updated + changes.removed > 0) await markDirty(trx, dependentKeys(touched, ctx.graph, ctx.dependencies));
  if (withdrawn.records > 0) ctx.logger.info({ stream: ctx.ref.stream, records: withdrawn.records, scopes: completeScopes }, 'records withdrawn by a complete scope');
  return {
    ...zeroCounts(),
    records_rejected: normalised.rejections.length,
    observations_inserted: changes.inserted,
    observations_updated: changes.updated,
    observations_removed: changes.removed,
    observations_unchanged: changes.unchanged,
    events_written: changes.events,
    units_via_succession: normalised.contributions.filter((c) => c.viaSuccession).length,
  };
}
