import { ExitCode, type ErrorExitCode } from './exit-codes.js';

/**
 * What a code means to whoever meets it: the API's HTTP status, the CLI's exit code, whether retrying can help,
 * and the next step. docs/errors.md is generated from this file (`npm run docs:errors`).
 */
export interface ErrorEntry {
  readonly status: number;
  readonly exit: ErrorExitCode;
  /** Permanent: the same request fails the same way until someone changes something; a sync is not retried. */
  readonly permanent: boolean;
  /** What to do next, in one sentence. */
  readonly action: string;
}

/** The families, in the order docs/errors.md lists them. */
export type ErrorFamily = 'input' | 'conflict' | 'engine' | 'service' | 'source' | 'api';

const entry = (status: number, exit: ErrorExitCode, permanent: boolean, action: string): ErrorEntry => ({ status, exit, permanent, action });
/** Input refused as written: nothing was changed. */
const invalid = (action: string, status = 400): ErrorEntry => entry(status, ExitCode.usage, true, action);
/** The request conflicts with the current state. */
const conflict = (action: string): ErrorEntry => entry(409, ExitCode.failure, true, action);

const input = {
  PERIOD_INVALID: invalid('Write the period as a year (2025), a quarter (2025-Q1) or a month (2025-03).'),
  DATE_INVALID: invalid('Write the day as YYYY-MM-DD, e.g. 2025-08-01.'),
  UNIT_NOT_FOUND: entry(404, ExitCode.failure, true, 'Check the unit code or name with `lgsp units resolve` for the date you mean.'),
  UNIT_AMBIGUOUS: entry(400, ExitCode.failure, true, 'Name the unit more precisely: give its level, its province or its code.'),
  UNIT_DIVIDED: entry(400, ExitCode.failure, true, 'Name the unit valid on that date (one of the successors listed), or give its code.'),
  REFERENCE_DATA_INVALID: entry(400, ExitCode.failure, true, 'Fix the reference file as the message says (path, header) and load it again.'),
  CONNECTION_ID_INVALID: invalid('Give a connection id of lower-case letters, digits and "-".'),
  CONNECTION_CONFIG_INVALID: invalid("Fix the fields named against the connector's config schema (`lgsp connectors list`) and add the connection again."),
  CONNECTOR_UNKNOWN: invalid('Use an installed connector id (`lgsp connectors list`), or add its module to LGSP_CONNECTOR_MODULES.'),
  CONNECTOR_ID_INVALID: invalid('Use lower-case words joined by "-" as the connector id, e.g. tax-office.'),
  SECRET_REF_INVALID: invalid('Give each secret once, as a reference (`env:NAME` or `file:NAME`), never as a value.'),
  SECRET_REF_FORBIDDEN: invalid('Reference a secret in LGSP_SECRETS_DIR or an LGSP_SECRET_* variable, as the message says.'),
  SECRET_MISSING: invalid('Set the environment variable or create the file the message names, on every host that runs the worker.'),
  SCHEDULE_INVALID: invalid('Write the schedule as "cron=0 2 * * *,tz=Asia/Ho_Chi_Minh" or "every=60" (minutes).'),
  SYNC_MODE_INVALID: invalid('Ask for an incremental or a full sync.'),
  UNIT_ALIAS_INVALID: invalid('Fix the alias fields named (name, code, dates) and add it again.'),
  UNIT_ALIAS_CODE_INVALID: invalid('Give a unit code valid on the alias\'s dates (`lgsp units resolve <code>`).'),
  EGRESS_REFUSED: invalid('Use a public http(s) URL, or have the host operator add the host to LGSP_EGRESS_ALLOW.'),
  INBOX_OUTSIDE_ROOT: invalid('Give the inbox as a folder under LGSP_INBOX_ROOT, written relative to it, without links out of it.'),
  INBOX_ROOT_MISSING: invalid('Create the folder LGSP_INBOX_ROOT names (or let `lgsp upload` create it), readable by the worker.'),
  WORKBOOK_LIMIT_EXCEEDED: invalid('Split the workbook into smaller ones, or have the host operator raise the LGSP_WORKBOOK_* limit named.'),
  WORKBOOK_UNREADABLE: invalid('Save the file as "Excel Workbook (*.xlsx)" from the template and upload it again.'),
  UPLOAD_NOT_XLSX: invalid('Save the file as "Excel Workbook (*.xlsx)" from the template and upload that.'),
  UPLOAD_FILE_NOT_FOUND: invalid('Give the path of a readable workbook file.'),
  UPLOAD_NOT_A_SPREADSHEET_CONNECTION: invalid('Upload to a connection of the spreadsheet connector (`lgsp connections list`).'),
  VALIDATION_FAILED: invalid('Fix the fields named in `errors` (the OpenAPI document at /openapi.json describes them) and send the request again.'),
} as const satisfies Record<string, ErrorEntry>;

const conflicts = {
  NOT_FOUND: entry(404, ExitCode.failure, true, 'Check the id: the list commands (`lgsp connections list`, `lgsp runs list`) show what exists.'),
  CONNECTION_EXISTS: conflict('Choose another connection id, or remove the existing one first.'),
  CONNECTION_BUSY: conflict('Wait for the active run to end (`lgsp runs show <id> --wait`), pause the schedule, then try again.'),
  CONNECTION_HAS_DATA: conflict('Pause the connection instead, or remove it with `--force` to keep its figures detached.'),
  CONNECTOR_EXISTS: conflict('Choose another connector id, or edit the existing connector.'),
  SYNC_ALREADY_ACTIVE: conflict('Follow the active run (`lgsp runs show <id> --wait`); the next sync picks up what it missed.'),
  RUN_ACTIVE: conflict('Wait for the run to end (`lgsp runs show <id> --wait`), then replay it.'),
  RUN_NOT_ACTIVE: conflict('Nothing to cancel: the run has already ended (`lgsp runs show <id>` says how); start a new sync if the data is still wanted.'),
  REPLAY_NOTHING: conflict('Replay a run that landed raw records (`lgsp runs list` shows their counts).'),
  REPROCESS_NOTHING: conflict('Nothing is pending: check the selection with `lgsp rejected list`.'),
  SCHEDULE_MISSING: conflict('Set a schedule first with `lgsp schedule set`.'),
  UNIT_ALIAS_EXISTS: conflict('Keep the existing alias, or remove it before adding the new one.'),
  LAST_ADMIN_KEY: conflict('Create another admin key (`lgsp apikey create --scopes admin`), then revoke this one.'),
} as const satisfies Record<string, ErrorEntry>;

const engine = {
  INTERNAL: entry(500, ExitCode.failure, false, 'Report it as a bug with the log lines around it; a sync is retried in case it was passing.'),
  MIGRATION_FAILED: entry(500, ExitCode.failure, true, 'Fix the cause printed below the message and run `npm run migrate` again.'),
  RUN_FAILED: entry(500, ExitCode.failure, true, 'Read the run\'s error (`lgsp runs show <id>`) and the worker\'s log, fix the cause, then sync again.'),
  RUN_CANCELLED: entry(409, ExitCode.failure, true, 'Start a new sync if the data is still wanted (`lgsp sync <connection>`).'),
  SYNC_WAIT_TIMEOUT: entry(504, ExitCode.failure, false, 'The run goes on in the worker: follow it with `lgsp runs show <id> --wait`; if it never starts, start a sync worker (`npm run worker`).'),
  SYNC_INTERRUPTED: entry(503, ExitCode.failure, false, 'Nothing to do: the run resumes from its last committed page.'),
  REPLAY_INVALID: entry(500, ExitCode.failure, true, 'Start a new sync instead: the run to replay, or its stream, is gone.'),
  REPROCESS_INVALID: entry(500, ExitCode.failure, true, 'Ask for the reprocess again with `lgsp rejected reprocess`.'),
  CONNECTOR_DUPLICATE: entry(500, ExitCode.config, true, 'Give each connector module in LGSP_CONNECTOR_MODULES its own id.'),
  CONNECTOR_MODULE_INVALID: entry(500, ExitCode.config, true, 'Make the module in LGSP_CONNECTOR_MODULES export a connector as default (see src/connector-sdk/types.ts).'),
  EVENT_STREAM_LOST: entry(503, ExitCode.failure, false, 'Nothing to do at once: the relay republishes from the outbox; if it recurs, give Redis persistence and memory.'),
} as const satisfies Record<string, ErrorEntry>;

const services = {
  CONFIG_INVALID: entry(500, ExitCode.config, true, 'Fix the LGSP_* variable the message names (README "Configuration") and start again.'),
  DEPENDENCY_UNAVAILABLE: entry(503, ExitCode.unavailable, false, 'Try again after Retry-After: PostgreSQL or Redis (named in the answer) is away and the API reconnects by itself; operators: bring it back (docs/operations.md).'),
  SERVICE_UNAVAILABLE: entry(503, ExitCode.unavailable, false, 'Start PostgreSQL and Redis (`docker compose up -d` or `bash scripts/services.sh ensure`), or point the URL at a server you run.'),
} as const satisfies Record<string, ErrorEntry>;

/** Source errors: the status is the API's when it relays one (a connection check). */
const source = {
  SOURCE_UNAVAILABLE: entry(502, ExitCode.failure, false, 'Wait: the sync is retried; if it persists, check the source is reachable from this host (gateway, VPN, firewall).'),
  SOURCE_AUTH_FAILED: entry(502, ExitCode.failure, true, "Renew the connection's credentials (its secretRefs) and run `lgsp connections check`."),
  SOURCE_REQUEST_REJECTED: entry(502, ExitCode.failure, true, "Fix the connection's config or the connector's request as the source's answer says; retrying will not help."),
  SOURCE_REQUEST_INVALID: entry(502, ExitCode.failure, true, "Check the connection's base URL and the connector's paths."),
  SOURCE_REQUEST_ABORTED: entry(502, ExitCode.failure, false, 'Nothing to do: the sync was cancelled or is shutting down and runs again later.'),
  SOURCE_RESPONSE_INVALID: entry(502, ExitCode.failure, true, "Ask the source's operator about the answer quoted; the connector may need updating for it."),
  SOURCE_RESPONSE_TOO_LARGE: entry(502, ExitCode.failure, true, "Ask for smaller pages (the connection's page size), or stream the download in the connector."),
  SOURCE_TABLE_UNUSABLE: entry(502, ExitCode.failure, true, "Fix the table's configuration (provinceDimension, timeDimension, contentFilter)."),
  SOURCE_CHECKSUM_MISMATCH: entry(502, ExitCode.failure, false, 'Wait: the sync is retried; if it persists, ask the publisher to republish the file.'),
  CHECK_FAILED: entry(502, ExitCode.failure, false, 'Read the message, fix the connection or the source, and run `lgsp connections check` again.'),
} as const satisfies Record<string, ErrorEntry>;

/** Refusals only the HTTP API answers with. */
const api = {
  API_KEY_MISSING: entry(401, ExitCode.failure, true, 'Send `Authorization: Bearer <key>`; an operator creates keys with `lgsp apikey create`.'),
  API_KEY_INVALID: entry(401, ExitCode.failure, true, 'Ask an operator for a valid key (`lgsp apikey create`).'),
  SCOPE_MISSING: entry(403, ExitCode.failure, true, 'Use a key with the scope the message names (`lgsp apikey create --scopes ...`).'),
  RATE_LIMITED: entry(429, ExitCode.failure, false, 'Retry after the time the Retry-After header gives, or ask for a higher LGSP_API_RATE_LIMIT.'),
  AUTH_FAILURES_LIMITED: entry(429, ExitCode.failure, false, 'Retry after the time the Retry-After header gives, with a valid key.'),
  ROUTE_NOT_FOUND: entry(404, ExitCode.failure, true, 'Check the method and path against /openapi.json.'),
  METHOD_NOT_ALLOWED: entry(405, ExitCode.failure, true, 'Use a method the route takes (/openapi.json lists them).'),
  NOT_ACCEPTABLE: entry(406, ExitCode.failure, true, 'Accept application/json (or text/event-stream for the event stream).'),
  DASHBOARD_READ_ONLY: entry(405, ExitCode.failure, true, 'Start, replay and follow runs with the API or `lgsp`; the dashboard only shows them.'),
  MALFORMED_REQUEST: invalid('Check the HTTP client or the proxy in front of the API: the request is not valid HTTP/1.1.'),
  BAD_URL: invalid('Percent-encode each path segment and query value as UTF-8.'),
  INVALID_JSON: invalid('Send a valid JSON document as the body.'),
  EMPTY_JSON_BODY: invalid('Send a JSON document, or no Content-Type.'),
  INVALID_CONTENT_LENGTH: invalid('Let the HTTP client compute Content-Length.'),
  REQUEST_TIMEOUT: invalid('Send the headers and body at once, then retry.', 408),
  BODY_TOO_LARGE: invalid('Send less (1 MiB at most), e.g. split it into several requests.', 413),
  URI_TOO_LONG: invalid('Shorten the URL: check the id you sent.', 414),
  UNSUPPORTED_MEDIA_TYPE: invalid('Send the body as JSON with `Content-Type: application/json`.', 415),
  HEADERS_TOO_LARGE: invalid('Shorten the URL or the headers (16 KiB at most).', 431),
  BAD_REQUEST: invalid('Fix the request as the detail says and send it again.'),
  WEBHOOK_DELIVERY_FAILED: entry(502, ExitCode.failure, false, "Fix the receiver (its answer is in the detail); the dead letter stays pending for another redelivery."),
} as const satisfies Record<string, ErrorEntry>;

/** Every code, by family. A new code is one line in its family. */
export const errorFamilies = { input, conflict: conflicts, engine, service: services, source, api } as const satisfies Record<ErrorFamily, Record<string, ErrorEntry>>;

export const errorCatalogue = { ...input, ...conflicts, ...engine, ...services, ...source, ...api } as const satisfies Record<string, ErrorEntry>;

/** Every stable error code the project raises or answers with. */
export type ErrorCode = keyof typeof errorCatalogue;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

/** Where docs/errors.md explains a code. */
export function errorAnchor(code: ErrorCode): string {
  return `docs/errors.md#${code.toLowerCase()}`;
}
