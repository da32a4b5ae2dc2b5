import type { ErrorCode } from './errors/catalogue.js';

export { errorAnchor, errorCatalogue, isErrorCode, type ErrorCode, type ErrorEntry } from './errors/catalogue.js';

/**
 * Every error the project raises on purpose is an LgspError with a stable `code` (for scripts, logs and API problem
 * documents) and a message that says what to do next. The code's entry in src/errors/catalogue.ts gives its HTTP
 * status, exit code and whether retrying helps.
 */
export class LgspError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration value is missing or malformed. Raised at start-up, before any work. */
export class ConfigError extends LgspError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A service the process needs (PostgreSQL, Redis) cannot be reached. */
export class ServiceUnavailableError extends LgspError {
  constructor(service: string, target: string, cause: unknown) {
    super(
      'SERVICE_UNAVAILABLE',
      `${service} is not reachable at ${target}. Start it with \`docker compose up -d\` or \`bash scripts/services.sh ensure\`, or set the URL to a server you run.`,
      { cause },
    );
  }
}

/** A reference-data file cannot be used at all (missing, wrong header). Row-level problems are reported, not thrown. */
export class ReferenceDataError extends LgspError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REFERENCE_DATA_INVALID', message, options);
  }
}

/** A period string is not `YYYY`, `YYYY-Qn` or `YYYY-MM`. */
export class InvalidPeriodError extends LgspError {
  constructor(input: string) {
    super('PERIOD_INVALID', `"${input}" is not a period: use a year (2025), a quarter (2025-Q1) or a month (2025-03), of a year from 1900 to 2100.`);
  }
}

/** A day that is not a calendar date written YYYY-MM-DD. */
export class InvalidDateError extends LgspError {
  constructor(input: string) {
    super('DATE_INVALID', `"${input}" is not a date: write it YYYY-MM-DD, e.g. 2025-08-01.`);
  }
}

/** A name or code does not resolve to exactly one administrative unit on the given date. */
export class UnitResolutionError extends LgspError {
  declare readonly code: 'UNIT_NOT_FOUND' | 'UNIT_AMBIGUOUS' | 'UNIT_DIVIDED';
}

/** Something the caller named (indicator, connection, run) does not exist. */
export class NotFoundError extends LgspError {
  constructor(what: string, id: string, hint: string) {
    super('NOT_FOUND', `${what} "${id}" does not exist. ${hint}`);
  }
}

/**
 * The request cannot be done as written (a config that does not fit the connector's schema, a secret given as a
 * value, a bad cron expression). Nothing was changed.
 */
export class UsageError extends LgspError {}

/** A request that conflicts with the current state (a run is active, the connection exists). */
export class ConflictError extends LgspError {}

/**
 * A source system failed us. `permanent` errors (bad credentials, a request the source refuses) fail a sync
 * at once without retries; the others (network, 429, 5xx after the client's own retries) are retried later.
 */
export class SourceError extends LgspError {
  readonly permanent: boolean;
  /** The HTTP status of the answer that decided it, when one did. */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options: { permanent: boolean; cause?: unknown; status?: number }) {
    super(code, message, { cause: options.cause });
    this.permanent = options.permanent;
    this.status = options.status;
  }
}
