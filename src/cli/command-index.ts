import type { Command } from 'commander';

/** Adds a top-level command (and its subcommands) to the program. */
export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  /** What `lgsp --help` shows; the command's own registration must say the same (a test checks). */
  readonly summary: string;
  /** Loads the command's module only when it runs: `lgsp --help` and each command start without the rest. */
  readonly load: () => Promise<RegisterCommand>;
}

/** Every top-level command, in the order `lgsp --help` lists them. */
export const commandIndex: readonly CommandEntry[] = [
  { name: 'demo', summary: 'the main job: migrate, load the reference data, start the source emulators and a worker, sync, and show each province against its Resolution 57 targets', load: async () => (await import('./commands/demo.js')).registerDemoCommand },
  { name: 'migrate', summary: 'bring the warehouse schema up to date (plain SQL migrations, in order)', load: async () => (await import('./commands/migrate.js')).registerMigrateCommand },
  { name: 'reference', summary: 'reference data: indicators, targets, administrative units', load: async () => (await import('./commands/reference.js')).registerReferenceCommands },
  { name: 'units', summary: 'administrative units: provinces and communes, before and after 1 July 2025', load: async () => (await import('./commands/units.js')).registerUnitsCommands },
  { name: 'catalogue', summary: 'print the indicator catalogue and the targets held in the warehouse', load: async () => (await import('./commands/catalogue.js')).registerCatalogueCommand },
  { name: 'query', summary: 'the value of an indicator for a unit and period, rolled up from communes, months and legacy units; with --known-at, the values the warehouse held at an instant; with --history, every change of them', load: async () => (await import('./commands/query.js')).registerQueryCommand },
  { name: 'connections', summary: 'connections: a connector with its settings, secret references and schedule', load: async () => (await import('./commands/connections.js')).registerConnectionsCommands },
  { name: 'schedule', summary: "a connection's sync schedule (a BullMQ job scheduler, updated at once)", load: async () => (await import('./commands/schedule.js')).registerScheduleCommands },
  { name: 'sync', summary: 'queue a sync of a connection (joins its active sync when that does the same; refuses a different one)', load: async () => (await import('./commands/sync.js')).registerSyncCommand },
  { name: 'upload', summary: "put a workbook into a spreadsheet connection's inbox (under LGSP_INBOX_ROOT) and load it now: exit 0 all rows loaded, 3 some rejected, 1 failed, 2 bad file (unreadable, over the workbook limits) or connection", load: async () => (await import('./commands/upload.js')).registerUploadCommand },
  { name: 'connector', summary: 'connector development', load: async () => (await import('./commands/connector.js')).registerConnectorCommands },
  { name: 'runs', summary: 'sync runs: what each did, how long it took, why it failed', load: async () => (await import('./commands/runs.js')).registerRunsCommands },
  { name: 'workers', summary: 'the live sync workers (by their heartbeats) and the runs each is executing', load: async () => (await import('./commands/workers.js')).registerWorkersCommand },
  { name: 'rejected', summary: 'records the normalisers refused, with the reason and where they are in the source', load: async () => (await import('./commands/rejected.js')).registerRejectedCommands },
  { name: 'replay', summary: "normalise a run's landed raw records again, without fetching (after a normaliser fix)", load: async () => (await import('./commands/replay.js')).registerReplayCommand },
  { name: 'serve', summary: 'start the HTTP API (warehouse, events, operations); docs at /docs, OpenAPI at /openapi.json', load: async () => (await import('./commands/serve.js')).registerServeCommand },
  { name: 'apikey', summary: 'API keys of the HTTP API: create (shown once), list, revoke', load: async () => (await import('./commands/apikey.js')).registerApiKeyCommands },
  { name: 'webhooks', summary: 'webhook subscriptions and their dead letters (subscribe over the API: POST /v1/webhooks)', load: async () => (await import('./commands/webhooks.js')).registerWebhookCommands },
  { name: 'audit', summary: 'the audit log: every state-changing API call and command, who, what, from where, how it ended', load: async () => (await import('./commands/audit.js')).registerAuditCommands },
];
