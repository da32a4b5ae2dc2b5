import { ConflictError, InvalidDateError, InvalidPeriodError, LgspError, NotFoundError, UnitResolutionError, UsageError } from '../errors.js';

/**
 * What the command of this process ended with beyond its exit code, for its audit entry. A CLI process runs one
 * command, so one record: written where the command's error is reported, read by the audit hook after the action.
 */
interface CommandOutcome {
  errorCode: string | null;
  /** The error was a refusal (invalid input, unknown object, conflict): nothing was done. */
  refused: boolean;
  /** The object's id when the command makes it (a created key). */
  objectId: string | null;
}

export const commandOutcome: CommandOutcome = { errorCode: null, refused: false, objectId: null };

/** Notes the error a command ended with. */
export function noteCommandError(error: unknown): void {
  commandOutcome.errorCode = error instanceof LgspError ? error.code : 'INTERNAL';
  commandOutcome.refused = error instanceof UsageError || error instanceof NotFoundError || error instanceof ConflictError
    || error instanceof UnitResolutionError || error instanceof InvalidPeriodError || error instanceof InvalidDateError;
}

/** For a command whose object's id exists only once it is done (a created key's generated id). */
export function auditCommandObject(id: string): void {
  commandOutcome.objectId = id;
}
