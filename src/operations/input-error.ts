import { UsageError, type ErrorCode } from '../errors.js';

/** One input at fault: its path within what the operation was given (`config.baseUrl`, `tz`), and why. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * Input an operation refuses, naming each field at fault. A UsageError (CLI exit 2, HTTP 400); the API adds the
 * fields to its problem document under where the input came from (`body.config.baseUrl`).
 */
export class InvalidInputError extends UsageError {
  constructor(code: ErrorCode, message: string, readonly issues: readonly FieldIssue[]) {
    super(code, message);
  }
}

/** The issues with their fields under `prefix` (`config` + `baseUrl` -> `config.baseUrl`). */
export function issuesUnder(prefix: string, issues: readonly FieldIssue[]): FieldIssue[] {
  return issues.map((i) => ({ field: [prefix, i.field].filter((p) => p !== '').join('.'), message: i.message }));
}
