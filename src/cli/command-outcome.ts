import { errorCatalogue, LgspError, type ErrorCode } from '../errors.js';

/**
 * What the command of this process ended with beyond its exit code, for its audit entry. A CLI process runs one
 * command, so one record: written where the command's error is reported, read by the audit hook after the action.
 */
interface CommandOutcome {
  errorCode: ErrorCode | null;
  /** The error was a refusal (invalid input, unknown object, conflict): nothing was done. */
  refused: boolean;
  /** The object's id when the command makes it (a created key). */
  objectId: string | null;
}

export const commandOutcome: CommandOutcome = { errorCode: null, refused: false, objectId: null };

/** Notes the error a command ended with. */
export function noteCommandError(error: unknown): void {
  commandOutcome.errorCode = error instanceof LgspError ? error.code : 'INTERNAL';
  // Refused: the caller's request, not the system, was at fault (a 4xx in the catalogue).
  commandOutcome.refused = error instanceof LgspError && errorCatalogue[error.code].status < 500;
}

/** For a command whose object's id exists only once it is done (a created key's generated id). */
export function auditCommandObject(id: string): void {
  commandOutcome.objectId = id;
}
