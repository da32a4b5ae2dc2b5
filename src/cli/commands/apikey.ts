import { InvalidArgumentError, type Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey } from '../../warehouse/api-keys.js';
import { apiScopes, type ApiScope } from '../../warehouse/schema.js';
import { NotFoundError } from '../../errors.js';
import { auditCommandObject } from '../command-outcome.js';
import { ExitCode } from '../context.js';
import { formatTime } from '../format-run.js';
import { note, runOperatorCommand } from '../operator.js';
import { renderTable } from '../table.js';

function parseScopes(text: string): ApiScope[] {
  const scopes = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = scopes.filter((s) => !(apiScopes as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`expected scopes from ${apiScopes.join(', ')}, comma-separated, e.g. read,operate`);
  return scopes as ApiScope[];
}

export function registerApiKeyCommands(program: Command): void {
  const apikey = program.command('apikey').description('API keys of the HTTP API: create (shown once), list, revoke');
  apikey
    .command('create')
    .description('create a key; it is printed once and only its hash is stored')
    .requiredOption('--scopes <scopes>', `comma-separated: ${apiScopes.join(', ')} (operate includes read; admin includes everything)`, parseScopes)
    .option('--name <name>', 'what the key is for, e.g. "dashboard"', 'unnamed')
    .option('--json', 'print JSON')
    .action(async (flags: { scopes: ApiScope[]; name: string; json?: boolean }) => {
      await runOperatorCommand(async (ctx) => {
        const created = await createApiKey(ctx.db, flags.name, flags.scopes);
        auditCommandObject(created.id);
        if (flags.json === true) ctx.print(JSON.stringify(created));
        else {
          ctx.print(created.key);
          note(`key ${created.id} ("${created.name}", scopes ${created.scopes.join(', ')}) created. Store it now: it cannot be shown again. Send it as \`Authorization: Bearer <key>\`.`);
        }
        return ExitCode.ok;
      });
    });
  apikey
    .command('list')
    .description('the keys: id, name, scopes, last use (never the secret)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await runOperatorCommand(async (ctx) => {
        const keys = await listApiKeys(ctx.db);
        if (flags.json === true) ctx.print(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) ctx.print('no API keys yet: create one with `lgsp apikey create --scopes read`');
        else {
          ctx.print(renderTable(['id', 'name', 'scopes', 'created', 'last used', 'revoked'], keys.map((k) => [
            k.id, k.name, k.scopes.join(','), formatTime(k.createdAt), formatTime(k.lastUsedAt), formatTime(k.revokedAt),
          ])));
        }
        return ExitCode.ok;
      });
    });
  apikey
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(async (id: string) => {
      await runOperatorCommand(async (ctx) => {
        if (!(await revokeApiKey(ctx.db, id))) throw new NotFoundError('Active API key', id, 'Run `lgsp apikey list` to see the keys.');
        ctx.print(`key ${id} revoked`);
        return ExitCode.ok;
      });
    });
}
