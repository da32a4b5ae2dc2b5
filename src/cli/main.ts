#!/usr/bin/env node
import { Command } from 'commander';
import { registerCliAudit } from './audit-hook.js';
import { ExitCode } from './context.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerApiKeyCommands } from './commands/apikey.js';
import { registerCatalogueCommand } from './commands/catalogue.js';
import { registerConnectionsCommands } from './commands/connections.js';
import { registerConnectorCommands } from './commands/connector.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerQueryCommand } from './commands/query.js';
import { registerReferenceCommands } from './commands/reference.js';
import { registerRejectedCommands } from './commands/rejected.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerRunsCommands } from './commands/runs.js';
import { registerScheduleCommands } from './commands/schedule.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerUnitsCommands } from './commands/units.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import { registerUploadCommand } from './commands/upload.js';
import { registerWorkersCommand } from './commands/workers.js';

const program = new Command('lgsp')
  .description('lgsp-connect: Resolution 57 indicators from the provincial LGSP sources into one warehouse')
  .showHelpAfterError('(run `lgsp --help` for the commands)')
  // Set before the subcommands are added, so they inherit it: bad usage exits 2, not commander's 1.
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  });

registerDemoCommand(program);
registerMigrateCommand(program);
registerReferenceCommands(program);
registerUnitsCommands(program);
registerCatalogueCommand(program);
registerQueryCommand(program);
registerConnectionsCommands(program);
registerScheduleCommands(program);
registerSyncCommand(program);
registerUploadCommand(program);
registerConnectorCommands(program);
registerRunsCommands(program);
registerRejectedCommands(program);
registerReplayCommand(program);
registerServeCommand(program);
registerApiKeyCommands(program);
registerWebhookCommands(program);
registerAuditCommands(program);
registerWorkersCommand(program);
registerCliAudit(program); // records every state-changing command after its action

await program.parseAsync(process.argv);
