import type { z } from 'zod';
import type { BoundaryConfig } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { ObservationStatus, UnitLevel } from '../warehouse/schema.js';

/** JSON a cursor may hold: it is stored in sync_state.cursor (jsonb). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One record exactly as the source sent it, with the key that identifies it across syncs. */
export interface SourceRecord {
  /** Stable identity in the source (a row id, an application number, file + row). Revisions reuse it. */
  readonly key: string;
  /** The record as fetched; unknown extra fields are kept. */
  readonly data: Json;
  /**
   * Groups records that a source publishes as a whole (a month's file): when a page declares a scope
   * complete, records of that scope not on the page are gone from the source.
   */
  readonly scope?: string;
  /** Where the record sits in the source, for rejections: { page, index }, { file, line } ... */
  readonly location?: Readonly<Record<string, Json>>;
}

export interface Page {
  readonly records: readonly SourceRecord[];
  /** The stream's cursor after this page; committed with the page's data. */
  readonly cursor: Json;
  /** Scopes this page carries in full: their earlier records that are absent here are removed. */
  readonly completeScopes?: readonly string[];
}

/** What a sync asked a stream for. */
export interface ReadOptions {
  /** The cursor committed by the last page of an earlier (or this, interrupted) run; null for a full read. */
  readonly cursor: Json;
  readonly mode: 'incremental' | 'full_refresh' | 'backfill';
  /** Backfill bounds, as months 'YYYY-MM' (inclusive). */
  readonly from?: string;
  readonly to?: string;
  readonly signal: AbortSignal;
}

/** How a normaliser names a unit: a code or a name, always as of a date (codes and names are reused). */
export interface UnitReference {
  readonly code?: string;
  readonly name?: string;
  /**
   * A free-text postal address ("18 Ung Văn Khiêm, phường Đông Xuyên, …, tỉnh An Giang"): the engine finds the
   * unit of `level` (default province) it names, reading its parts from the end.
   */
  readonly address?: string;
  readonly level?: UnitLevel;
  /** YYYY-MM-DD: the day the source meant (e.g. the period's last day, a filing date). */
  readonly asOf: string;
  /**
   * YYYY-MM-DD: the day the code, name or address was written, when earlier than `asOf`. A patent filed in
   * "tỉnh Kiên Giang" in 2024 and granted in 2026: the address is read as of the filing, and the unit it named
   * is followed through the reform to the one valid at the grant.
   */
  readonly writtenOn?: string;
}

/** One figure a record contributes to an observation. Several records may add to one observation. */
export interface ObservationDraft {
  readonly indicator: string;
  readonly unit: UnitReference;
  /** '2025', '2025-Q1' or '2025-03'. */
  readonly period: string;
  /** Exact decimal text or an integer; never a float that lost digits. */
  readonly value: string | number;
  readonly status?: ObservationStatus;
}

export interface Rejection {
  /** Stable code, e.g. NEGATIVE_COUNT, UNKNOWN_UNIT, NOT_A_NUMBER. */
  readonly code: string;
  /** What is wrong and what to fix. */
  readonly reason: string;
}

export type NormaliseResult = { readonly observations: readonly ObservationDraft[] } | { readonly rejected: Rejection };

export interface StreamDefinition<Config> {
  readonly name: string;
  read(ctx: ConnectorContext<Config>, options: ReadOptions): AsyncIterable<Page>;
  normalise(record: SourceRecord, ctx: NormaliseContext): NormaliseResult;
}

export interface ConnectorContext<Config> {
  readonly connectionId: string;
  readonly config: Config;
  /** Secret values resolved from the environment or files the connection names; never logged. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /**
   * What the host operator lets connections reach (docs/security.md): pass `egressAllow` to the HTTP client, keep
   * files under `inboxRoot`, check workbooks against `workbook`. Connections' configs come from API callers: never trust them past it.
   */
  readonly boundary: BoundaryConfig;
}

export interface NormaliseContext {
  readonly connectionId: string;
  readonly stream: string;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

/** A source system, declared once. */
export interface ConnectorDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly id: string;
  readonly description: string;
  readonly configSchema: Schema;
  /** Names of the secrets the connection must reference (client_secret, api_key ...). */
  readonly secrets: readonly string[];
  /** Proves the connection works (reachability, credentials), as Airbyte's check does. */
  check(ctx: ConnectorContext<z.infer<Schema>>): Promise<CheckResult>;
  readonly streams: readonly StreamDefinition<z.infer<Schema>>[];
}

export function defineConnector<Schema extends z.ZodType>(definition: ConnectorDefinition<Schema>): ConnectorDefinition<Schema> {
  return definition;
}
