/** An error as the API logs it: no field that may quote the request's values. */
export interface LoggableError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  /** PostgreSQL's identification of what refused the statement, never the row or the parameters. */
  readonly severity?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly routine?: string;
  readonly cause?: LoggableError | string;
}

// pg's `detail` quotes the failing row ("Failing row contains (…, whsec_…)") and `where`/`internalQuery` may quote
// parameters: a secret just generated would end up in the log. Only these fields identify the error safely.
const safeStringFields = ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'routine'] as const;

/** The error and its causes for the log, with PostgreSQL's `detail`, `where`, `hint` and queries left out. */
export function loggableError(error: unknown, depth = 0): LoggableError | string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as unknown as Record<string, unknown>;
  const safe: Record<string, string> = {};
  for (const name of safeStringFields) {
    const value = fields[name];
    if (typeof value === 'string') safe[name] = value;
  }
  const cause = error.cause === undefined || depth >= 5 ? undefined : loggableError(error.cause, depth + 1);
  return {
    type: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...safe,
    ...(cause === undefined ? {} : { cause }),
  };
}
