import { dec } from '../aggregation/index.js';
import type { Json, NormaliseResult, ObservationDraft, SourceRecord, StreamDefinition } from '../connector-sdk/types.js';
import { isPeriod, parsePeriod, type Period } from '../periods/period.js';
import type { LandedRecord } from '../warehouse/source-records.js';
import type { ObservationStatus } from '../warehouse/schema.js';
import type { UnitDirectory } from './unit-directory.js';

/** A figure a record adds to the observation (indicator, unit version, period). */
export interface Contribution {
  readonly sourceKey: string;
  readonly rawRecordId: number;
  readonly indicator: string;
  readonly unitId: number;
  readonly period: Period;
  readonly value: string;
  readonly status: ObservationStatus;
  /** The unit was reached from a legacy name through the succession table. */
  readonly viaSuccession: boolean;
}

export interface RecordRejection {
  readonly sourceKey: string;
  readonly rawRecordId: number;
  readonly code: string;
  readonly reason: string;
  readonly location: Readonly<Record<string, Json>>;
  readonly payload: Json;
}

export interface NormalisedPage {
  readonly contributions: Contribution[];
  /** Records normalised without error: their earlier contributions are replaced by the new ones (maybe none). */
  readonly acceptedKeys: string[];
  /** A rejected record keeps its earlier contributions: bad input loses nothing that was good. */
  readonly rejections: RecordRejection[];
}

const decimal = /^-?\d+(\.\d+)?$/;

class RecordRejected extends Error {
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super(reason);
  }
}

function exactValue(value: string | number, indicator: string): string {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!decimal.test(text)) throw new RecordRejected('VALUE_NOT_A_NUMBER', `${indicator}: value ${JSON.stringify(value)} is not a number`);
  return text;
}

async function toContributions(landed: LandedRecord, drafts: readonly ObservationDraft[], indicators: ReadonlySet<string>, units: UnitDirectory): Promise<Contribution[]> {
  const byKey = new Map<string, Contribution>();
  for (const d of drafts) {
    if (!indicators.has(d.indicator)) throw new RecordRejected('UNKNOWN_INDICATOR', `indicator ${d.indicator} is not in the catalogue (config/indicators.yaml)`);
    if (!isPeriod(d.period)) throw new RecordRejected('PERIOD_INVALID', `${d.indicator}: period "${d.period}" is not 2025, 2025-Q1 or 2025-03`);
    const value = exactValue(d.value, d.indicator);
    const unit = await units.lookup(d.unit);
    if (!('unitId' in unit)) throw new RecordRejected(unit.code, `${d.indicator}: ${unit.reason}`);
    const period = parsePeriod(d.period);
    const key = `${d.indicator}|${unit.unitId}|${period.code}`;
    const status = d.status ?? 'final';
    const earlier = byKey.get(key);
    // Two figures of one record for the same observation add up (two channels of one payment row, say).
    const summed = earlier ? dec(earlier.value).plus(value).toFixed() : value;
    const viaSuccession = unit.resolution === 'succession' || (earlier?.viaSuccession ?? false);
    byKey.set(key, { sourceKey: landed.record.key, rawRecordId: landed.rawRecordId, indicator: d.indicator, unitId: unit.unitId, period, value: summed, status: earlier && earlier.status !== 'final' ? earlier.status : status, viaSuccession });
  }
  return [...byKey.values()];
}

function rejection(landed: LandedRecord, stream: string, code: string, reason: string): RecordRejection {
  const r: SourceRecord = landed.record;
  return { sourceKey: r.key, rawRecordId: landed.rawRecordId, code, reason, location: { stream, key: r.key, ...(r.location ?? {}) }, payload: r.data };
}

/** Runs the stream's normaliser over landed records and validates and resolves what it returns. */
export async function normaliseRecords<C>(
  stream: StreamDefinition<C>,
  landed: readonly LandedRecord[],
  ctx: { connectionId: string; indicators: ReadonlySet<string>; units: UnitDirectory },
): Promise<NormalisedPage> {
  const out: NormalisedPage = { contributions: [], acceptedKeys: [], rejections: [] };
  for (const l of landed) {
    let result: NormaliseResult;
    try {
      result = stream.normalise(l.record, { connectionId: ctx.connectionId, stream: stream.name });
    } catch (error) {
      // A normaliser that throws is a bug or an unforeseen shape: reject the record, keep the page going.
      out.rejections.push(rejection(l, stream.name, 'NORMALISER_FAILED', `the normaliser failed on this record: ${(error as Error).message}`));
      continue;
    }
    if ('rejected' in result) {
      out.rejections.push(rejection(l, stream.name, result.rejected.code, result.rejected.reason));
      continue;
    }
    try {
      out.contributions.push(...(await toContributions(l, result.observations, ctx.indicators, ctx.units)));
      out.acceptedKeys.push(l.record.key);
    } catch (error) {
      if (!(error instanceof RecordRejected)) throw error;
      out.rejections.push(rejection(l, stream.name, error.code, error.message));
    }
  }
  return out;
}
