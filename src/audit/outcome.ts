import type { AuditOutcome } from '../warehouse/schema.js';

/** An HTTP status as an audit outcome: 4xx is a refusal (nothing was done), 5xx (ours or a receiver's) a failure. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'refused';
  return 'success';
}

/**
 * A CLI exit code as an audit outcome, by the codes of `ExitCode`: 0 done, 3 done with rejected rows, 2 bad usage
 * (nothing written); 1 is a refusal when the error was one (not found, conflict), otherwise a failure.
 */
export function outcomeOfExit(exitCode: number, refused: boolean): AuditOutcome {
  if (exitCode === 0) return 'success';
  if (exitCode === 3) return 'partial';
  if (exitCode === 2 || refused) return 'refused';
  return 'failed';
}
