import { errorCatalogue, LgspError } from '../errors.js';
import { noteCommandError } from './command-outcome.js';
import { ExitCode } from './context.js';

/** Runs a command body and turns its outcome into an exit code; an error goes to stderr with its code and exits as the catalogue says. */
export async function runCommand(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

export function reportError(error: unknown): number {
  noteCommandError(error);
  if (error instanceof LgspError) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    if (cause) process.stderr.write(`  cause: ${cause}\n`);
    return errorCatalogue[error.code].exit;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error [INTERNAL]: ${message}\nThis is a bug in lgsp-connect; please report it with the lines above.\n`);
  return ExitCode.failure;
}
