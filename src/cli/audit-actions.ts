/** What a state-changing command records in the audit log. */
export interface CommandAudit {
  readonly action: string;
  /** The kind of object acted on. */
  readonly object?: string;
  /** The position of the argument that names the object. */
  readonly idArg?: number;
}

/**
 * The audit actions of the commands, by command path, in one place (the same names as the API's). A command that
 * is neither here nor in `unaudited` is still recorded, as `cli.<path>`: none is missed.
 */
export const commandAudits: Readonly<Record<string, CommandAudit>> = {
  'migrate': { action: 'migrate' },
  'demo': { action: 'demo' },
  'reference load': { action: 'reference.load' },
  'connections add': { action: 'connection.create', object: 'connection', idArg: 0 },
  'connections remove': { action: 'connection.delete', object: 'connection', idArg: 0 },
  'connections check': { action: 'connection.check', object: 'connection', idArg: 0 },
  'schedule set': { action: 'schedule.set', object: 'connection', idArg: 0 },
  'schedule pause': { action: 'schedule.pause', object: 'connection', idArg: 0 },
  'schedule resume': { action: 'schedule.resume', object: 'connection', idArg: 0 },
  'sync': { action: 'sync.start', object: 'connection', idArg: 0 },
  'replay': { action: 'run.replay', object: 'run', idArg: 0 },
  'runs cancel': { action: 'run.cancel', object: 'run', idArg: 0 },
  'rejected reprocess': { action: 'rejected.reprocess', object: 'connection' },
  'units alias add': { action: 'unit.alias.create', object: 'unit_alias' },
  'units alias remove': { action: 'unit.alias.delete', object: 'unit_alias', idArg: 0 },
  'upload': { action: 'upload', object: 'connection', idArg: 0 },
  'apikey create': { action: 'apikey.create', object: 'apikey' },
  'apikey revoke': { action: 'apikey.revoke', object: 'apikey', idArg: 0 },
  'webhooks redeliver': { action: 'webhook.deadletter.redeliver', object: 'dead_letter', idArg: 0 },
};

/**
 * Commands that change nothing an operator answers for: they only read, or (`connector new`) write source files
 * into a developer's checkout, or (`serve`) start the API, whose requests are audited one by one.
 */
export const unaudited: ReadonlySet<string> = new Set([
  'catalogue', 'query', 'units resolve', 'units alias list', 'connections list', 'connections show', 'runs list', 'runs show', 'workers', 'rejected list',
  'apikey list', 'webhooks list', 'webhooks dead-letters', 'audit list', 'serve', 'connector new',
]);
