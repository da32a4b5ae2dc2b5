import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** numeric columns travel as strings so no digit is lost; compute on them with decimal.js. */
// Timestamps may be omitted on insert (the database's default fills them).
type Numeric = ColumnType<string, string | number, string | number>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export const aggregationRules = ['sum', 'ratio', 'weighted_mean', 'mean', 'last', 'none'] as const;
export type AggregationRule = (typeof aggregationRules)[number];
export const unitLevels = ['country', 'province', 'commune'] as const;
export type UnitLevel = (typeof unitLevels)[number];
export const observationStatuses = ['final', 'provisional', 'estimated'] as const;
export type ObservationStatus = (typeof observationStatuses)[number];
export const targetComparisons = ['gt', 'gte', 'lt', 'lte', 'eq', 'top', 'range'] as const;
export type TargetComparison = (typeof targetComparisons)[number];
export type PeriodKind = 'year' | 'quarter' | 'month';

export interface IndicatorTable {
  code: string;
  name_vi: string;
  name_en: string;
  measure_unit: string;
  direction: 'higher_is_better' | 'lower_is_better';
  unit_aggregation: AggregationRule;
  period_aggregation: AggregationRule;
  weight_indicator: string | null;
  derivation: 'ratio' | 'growth' | null;
  numerator: string[] | null;
  denominator: string[] | null;
  factor: Numeric | null;
  description: string | null;
  /** Places values are rounded to in text; JSON keeps them exact (migration 0016). */
  decimals: Generated<number>;
}

export interface AdminUnitTable {
  id: Generated<number>;
  code: string;
  level: UnitLevel;
  name: string;
  name_en: string | null;
  kind: string | null;
  parent_id: number | null;
  district_code: string | null;
  district_name: string | null;
  valid_from: DateOnly | null;
  valid_to: DateOnly | null;
  validity: ColumnType<string, never, never>;
  source: string;
}

export interface AdminUnitSuccessionTable {
  predecessor_id: number;
  successor_id: number;
  effective_from: DateOnly;
  divided: boolean;
  source: string;
}

export interface AdminUnitNameTable {
  unit_id: number;
  exact_key: string;
  ascii_key: string;
  origin: 'official' | 'english' | 'alias';
}

export interface PeriodTable {
  code: string;
  kind: PeriodKind;
  year: number;
  starts_on: DateOnly;
  ends_on: DateOnly;
  parent: string | null;
}

export interface TargetDocumentTable {
  id: string;
  title: string;
  number: string | null;
  issued_on: DateOnly | null;
  issuer: string;
  seeds: string[];
}

export interface TargetTable {
  id: Generated<number>;
  document_id: string;
  indicator_code: string;
  unit_id: number;
  year: number;
  comparison: TargetComparison;
  value: Numeric;
  value_max: Numeric | null;
  basis: 'point' | 'every_year' | 'annual_average';
  note: string | null;
}

export interface ConnectionTable {
  id: string;
  connector_id: string;
  name: string;
  config: Json<Record<string, unknown>>;
  secret_refs: Json<Record<string, unknown>>;
  schedule: Json<Record<string, unknown>> | null;
  paused: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SyncMode = 'incremental' | 'full_refresh' | 'backfill' | 'replay' | 'reprocess';
export type SyncStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface SyncRunTable {
  id: Generated<number>;
  connection_id: string;
  mode: SyncMode;
  status: Generated<SyncStatus>;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  replay_of: number | null;
  job_id: string | null;
  queued_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  records_fetched: Generated<number>;
  records_landed: Generated<number>;
  records_unchanged: Generated<number>;
  records_rejected: Generated<number>;
  observations_inserted: Generated<number>;
  observations_updated: Generated<number>;
  observations_removed: Generated<number>;
  observations_unchanged: Generated<number>;
  events_written: Generated<number>;
  units_via_succession: Generated<number>;
  cursor_before: Json<unknown> | null;
  cursor_after: Json<unknown> | null;
  error: Json<unknown> | null;
}

export interface SyncStateTable {
  connection_id: string;
  stream: string;
  cursor: Json<unknown> | null;
  sync_run_id: number | null;
  updated_at: Timestamp;
}

export interface RawRecordTable {
  id: Generated<number>;
  connection_id: string;
  stream: string;
  source_key: string;
  content_hash: Buffer;
  payload: Json<unknown>;
  location: Json<Record<string, unknown>> | null;
  fetched_at: Timestamp;
  sync_run_id: number;
}

export interface RejectedRecordTable {
  id: Generated<number>;
  connection_id: string;
  sync_run_id: number | null;
  stream: string | null;
  raw_record_id: number | null;
  code: string;
  reason: string;
  location: Json<Record<string, unknown>>;
  payload: Json<unknown> | null;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
  /** The run that normalised the record again without error (a reprocess). */
  resolved_by_run_id: number | null;
}

/** A steward's alias: a name meaning the unit of (level, code) on the days of its validity (migration 0015). */
export interface UnitAliasTable {
  id: Generated<number>;
  name: string;
  exact_key: string;
  ascii_key: string;
  level: 'province' | 'commune';
  code: string;
  valid_from: DateOnly | null;
  valid_to: DateOnly | null;
  validity: ColumnType<string, never, never>;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ObservationTable {
  id: Generated<number>;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  value: Numeric;
  status: ObservationStatus;
  measure_unit: string;
  connection_id: string | null;
  sync_run_id: number | null;
  raw_record_ids: Generated<number[]>;
  /** Some contribution's unit was resolved from a legacy name through succession (migration 0014). */
  units_via_succession: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObservationRevisionTable {
  id: Generated<number>;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  change: 'insert' | 'update' | 'remove';
  old_value: Numeric | null;
  new_value: Numeric | null;
  old_status: ObservationStatus | null;
  new_status: ObservationStatus | null;
  connection_id: string | null;
  sync_run_id: number | null;
  changed_at: Timestamp;
  /** The source records behind the change (the new value's, or the removed one's); null before migration 0017. */
  raw_record_ids: number[] | null;
  /** As observation.units_via_succession for the new (or removed) value; null before migration 0017. */
  units_via_succession: boolean | null;
}

export interface OutboxEventTable {
  seq: Generated<number>;
  type: string;
  /** Null on a batch of observation revisions (their subjects and data are rendered from the revisions). */
  subject: string | null;
  data: Json<Record<string, unknown>> | null;
  revision_ids: number[] | null;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

export const apiScopes = ['read', 'operate', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

export interface ApiKeyTable {
  /** The public part of the key (`lgsp_<id>_<secret>`): names the key in logs and lists. */
  id: string;
  name: string;
  secret_sha256: Buffer;
  scopes: ApiScope[];
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface Database {
  indicator: IndicatorTable;
  admin_unit: AdminUnitTable;
  admin_unit_succession: AdminUnitSuccessionTable;
  admin_unit_name: AdminUnitNameTable;
  period: PeriodTable;
  target_document: TargetDocumentTable;
  target: TargetTable;
  connection: ConnectionTable;
  sync_run: SyncRunTable;
  sync_state: SyncStateTable;
  raw_record: RawRecordTable;
  rejected_record: RejectedRecordTable;
  observation: ObservationTable;
  observation_revision: ObservationRevisionTable;
  outbox_event: OutboxEventTable;
  source_record: SourceRecordTable;
  observation_contribution: ObservationContributionTable;
  sync_run_stream: SyncRunStreamTable;
  indicator_value: IndicatorValueTable;
  indicator_value_dirty: IndicatorValueDirtyTable;
  indicator_value_revision: IndicatorValueRevisionTable;
  api_key: ApiKeyTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_dead_letter: WebhookDeadLetterTable;
  audit_log: AuditLogTable;
  unit_alias: UnitAliasTable;
}

export type Indicator = Selectable<IndicatorTable>;
export type AdminUnit = Selectable<AdminUnitTable>;
export type NewAdminUnit = Insertable<AdminUnitTable>;
export type Observation = Selectable<ObservationTable>;

export interface SourceRecordTable {
  connection_id: string;
  stream: string;
  source_key: string;
  content_hash: Buffer;
  raw_record_id: number;
  scope: string | null;
  seen_run_id: number | null;
  updated_at: Timestamp;
}

export interface ObservationContributionTable {
  connection_id: string;
  stream: string;
  source_key: string;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  value: Numeric;
  status: ObservationStatus;
  raw_record_id: number;
  sync_run_id: number;
  /** The unit was reached from a legacy name through the succession table (migration 0014). */
  via_succession: Generated<boolean>;
  updated_at: Timestamp;
}

export interface SyncRunStreamTable {
  sync_run_id: number;
  stream: string;
  cursor: Json<unknown> | null;
  done: Generated<boolean>;
  updated_at: Timestamp;
}

export interface IndicatorValueTable {
  indicator_code: string;
  unit_id: number;
  period_code: string;
  value: Numeric;
  notes: Json<string[]>;
  sync_run_id: number | null;
  computed_at: Timestamp;
}

/** Every change of a computed value (migration 0017), like observation_revision. */
export interface IndicatorValueRevisionTable {
  id: Generated<number>;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  change: 'insert' | 'update' | 'remove';
  old_value: Numeric | null;
  new_value: Numeric | null;
  /** How the new value was formed; null on a remove. */
  notes: Json<string[]> | null;
  sync_run_id: number | null;
  changed_at: Timestamp;
}

export interface IndicatorValueDirtyTable {
  id: Generated<number>;
  indicator_code: string;
  unit_id: number;
  period_code: string;
  marked_at: Generated<Timestamp>;
}

export interface WebhookSubscriptionTable {
  id: string;
  url: string;
  description: string | null;
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  indicators: ColumnType<string[], string[] | undefined, string[]>;
  units: ColumnType<string[], string[] | undefined, string[]>;
  /** Kept as is: the dispatcher signs every delivery with it (a hash could not sign). Never returned after creation. */
  secret: string;
  /** After a rotation, the secret replaced: it also signs until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  stream_start_id: string;
  created_at: Timestamp;
  failed_attempts: Generated<number>;
  last_failure_at: Timestamp | null;
  last_failure: string | null;
}

export interface WebhookDeadLetterTable {
  id: Generated<number>;
  subscription_id: string;
  stream_entry_id: string;
  event_id: string;
  event_type: string;
  subject: string;
  /** The CloudEvent exactly as sent (a json column keeps the text). */
  event: ColumnType<Record<string, unknown>, string, string>;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  failed_at: Timestamp;
  redelivered_at: Timestamp | null;
}

export const auditChannels = ['api', 'cli'] as const;
export type AuditChannel = (typeof auditChannels)[number];
export const auditOutcomes = ['success', 'partial', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** The audit log (append-only: the database refuses UPDATE, DELETE and TRUNCATE). Never a secret in it. */
export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  channel: AuditChannel;
  actor: string | null;
  actor_name: string | null;
  client: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: AuditOutcome;
  status: number | null;
  exit_code: number | null;
  error_code: string | null;
  method: string | null;
  route: string | null;
  fields: Generated<string[]>;
}
