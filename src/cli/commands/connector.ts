import type { Command } from 'commander';
import { join } from 'node:path';
import { projectRoot } from '../../config/project-root.js';
import { scaffoldConnector } from '../../connector-sdk/scaffold/new-connector.js';
import { ExitCode } from '../context.js';
import { runCommand } from '../run-command.js';

export function registerConnectorCommands(program: Command): void {
  const connector = program.command('connector').description('connector development');
  connector
    .command('new')
    .description('scaffold connectors/<id>/: a working connector, its emulator, a test through the real engine and a steward README')
    .argument('<id>', 'the connector id, e.g. tax-office')
    .action(async (id: string) => {
      await runCommand(async () => {
        const { files, registered } = await scaffoldConnector(join(projectRoot, 'connectors'), id);
        for (const f of files) process.stdout.write(`created ${f}\n`);
        process.stdout.write(registered
          ? `registered it in connectors/index.ts\n`
          : `connectors/index.ts has an unexpected shape: import ./${id}/index.js there and add it to builtInConnectors\n`);
        process.stdout.write(
          `\nNext: run its test (npx vitest run connectors/${id}), then change it into the real source's contract and the indicator it feeds.` +
            '\nThe walk-through is docs/adding-a-connector.md.\n',
        );
        return ExitCode.ok;
      });
    });
}
