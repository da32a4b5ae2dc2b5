import { LgspError } from '../errors.js';

/** The run stopped between pages because the process is shutting down; it resumes from its last page. */
export class SyncInterruptedError extends LgspError {
  constructor(runId: number) {
    super('SYNC_INTERRUPTED', `run ${runId} was interrupted between pages; it resumes from its last committed page`);
  }
}

/** The connection's configuration does not fit its connector's schema. Permanent: fix the connection. */
export class ConnectionConfigError extends LgspError {
  constructor(connectionId: string, problems: string) {
    super('CONNECTION_CONFIG_INVALID', `connection ${connectionId} has an invalid configuration: ${problems}. Fix it with \`lgsp connections add\` (remove and add again).`);
  }
}
