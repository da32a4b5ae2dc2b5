/**
 * No read-back (docs/security.md): what a source system answered never reaches an API caller or an event
 * subscriber verbatim. A failed run or check is told to them by its stable code, the HTTP status class and what to
 * do; the source's own words (a body excerpt, a network error naming an internal address) stay in the server log
 * and in the run's stored error, which only admin keys and the host's CLI read.
 */

/** Where an error's message came from, as recorded when it was stored. */
export type ErrorOrigin =
  /** Built from a source system's answer (SourceError: the HTTP client's and connectors'). */
  | 'source'
  /** Written by lgsp-connect from the connection's own settings (a missing secret, a bad config). */
  | 'engine'
  /** Anything else: a bug, a driver error. */
  | 'internal';

/** An error as stored on a run (`sync_run.error`) and shown to operators. */
export interface StoredError {
  readonly code: string;
  readonly message: string;
  readonly permanent?: boolean;
  readonly causes: readonly string[];
  /** Missing on rows stored before it was recorded: treated as 'source' (the cautious reading). */
  readonly origin?: ErrorOrigin;
  /** '4xx', '5xx' ...: the class of the HTTP status that decided it, when one did. */
  readonly statusClass?: string;
}

export const statusClassOf = (status: number): string => `${Math.floor(status / 100)}xx`;

/** What a source's failure means, by code, for people who may not read the source's answer. */
const sourceMeanings: Readonly<Record<string, string>> = {
  SOURCE_AUTH_FAILED: 'The source refused the connection\'s credentials. Check the secret the connection references and its client id or key.',
  SOURCE_REQUEST_REJECTED: 'The source refused the request; retrying will not help. Check the connection\'s base URL and settings.',
  SOURCE_UNAVAILABLE: 'The source did not answer, or answered that it is overloaded or failing, after the retries. A sync retries with backoff for several minutes; a run that failed for good resumes from its cursor with a new sync once the source is back. If this persists, ask the source\'s operator.',
  SOURCE_RESPONSE_INVALID: 'The source answered something that does not follow its contract. Check that the base URL points at the API.',
  SOURCE_RESPONSE_TOO_LARGE: 'The source answered more than this host reads at once. Ask for smaller pages (the connection\'s page size).',
  SOURCE_REQUEST_ABORTED: 'The request was cancelled (the sync was stopped or the worker is shutting down).',
  CHECK_FAILED: 'The connector\'s check failed.',
};

const generic = 'The source or the connector failed.';

/**
 * The error as a caller without admin scope (or an event subscriber) sees it: the code, the status class and what
 * to do; no message from the source, no causes. Errors lgsp-connect wrote itself from the connection's own settings
 * pass as they are.
 */
export function publicError(error: StoredError): StoredError {
  if (error.origin === 'engine') return { ...error, causes: [] };
  const meaning = sourceMeanings[error.code] ?? generic;
  const status = error.statusClass === undefined ? '' : ` (HTTP ${error.statusClass})`;
  return {
    code: error.code,
    message: `${meaning}${status} The source's own answer is in the server log and, for admin keys, in the run's error.`,
    ...(error.permanent === undefined ? {} : { permanent: error.permanent }),
    causes: [],
    ...(error.origin === undefined ? {} : { origin: error.origin }),
    ...(error.statusClass === undefined ? {} : { statusClass: error.statusClass }),
  };
}

const origins: readonly string[] = ['source', 'engine', 'internal'] satisfies ErrorOrigin[];

/** A stored error read back from its JSON column, whatever shape an older version wrote. */
export function storedErrorOf(value: unknown): StoredError {
  const e = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return {
    code: typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : JSON.stringify(value),
    ...(typeof e.permanent === 'boolean' ? { permanent: e.permanent } : {}),
    causes: Array.isArray(e.causes) ? e.causes.map(String) : [],
    ...(typeof e.origin === 'string' && origins.includes(e.origin) ? { origin: e.origin as ErrorOrigin } : {}),
    ...(typeof e.statusClass === 'string' ? { statusClass: e.statusClass } : {}),
  };
}
