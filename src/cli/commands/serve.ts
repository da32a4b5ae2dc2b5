import type { Command } from 'commander';
import { runProcess } from '../../process/main.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API (warehouse, events, operations); docs at /docs, OpenAPI at /openapi.json')
    .option('--host <host>', 'listen address (default LGSP_API_HOST, 127.0.0.1)')
    .option('--port <port>', 'listen port (default LGSP_API_PORT, 8080)')
    .action(async (flags: { host?: string; port?: string }) => {
      // Flags are environment overrides, so they pass through the one config schema and its checks.
      if (flags.host !== undefined) process.env.LGSP_API_HOST = flags.host;
      if (flags.port !== undefined) process.env.LGSP_API_PORT = flags.port;
      // Loaded here, not at the top: the API's routes and plugins would slow every other command's start.
      const { startApi } = await import('../../api/start.js');
      await runProcess('api', async (ctx) => {
        const api = await startApi(ctx);
        // On stdout whatever the log level: the command's result, for people and for scripts that start it.
        process.stdout.write(`API listening on ${api.url} (docs: ${api.url}/docs)\n`);
        return api;
      }, { whileDown: 'requests that need it are answered 503 with Retry-After' });
    });
}
