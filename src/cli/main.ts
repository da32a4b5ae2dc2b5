#!/usr/bin/env node
import { Command } from 'commander';
import { registerCatalogueCommand } from './commands/catalogue.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerQueryCommand } from './commands/query.js';
import { registerReferenceCommands } from './commands/reference.js';
import { registerUnitsCommands } from './commands/units.js';

const program = new Command('lgsp')
  .description('lgsp-connect: Resolution 57 indicators from the provincial LGSP sources into one warehouse')
  .showHelpAfterError('(run `lgsp --help` for the commands)');

registerDemoCommand(program);
registerMigrateCommand(program);
registerReferenceCommands(program);
registerUnitsCommands(program);
registerCatalogueCommand(program);
registerQueryCommand(program);

await program.parseAsync(process.argv);
