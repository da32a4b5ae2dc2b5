import type { Command } from 'commander';
import { runProcess } from '../../process/main.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API (warehouse, events, operations); docs at /docs, OpenAPI at /openapi.json')
    .option('--host <host>', 'listen address (default LGSP_API_HOST, 127.0.0.1)')
    .option('--port <port>', 'listen port (default LGSP_API_PORT, 8080)')
    .option('--all', 'also run a sync worker, the scheduler, the outbox relay and the webhook dispatcher in this process (a small installation)')
    .action(async (flags: { host?: string; port?: string; all?: boolean }) => {
      // Flags are environment overrides, so they pass through the one config schema and its checks.
      if (flags.host !== undefined) process.env.LGSP_API_HOST = flags.host;
      if (flags.port !== undefined) process.env.LGSP_API_PORT = flags.port;
      // Loaded here, not at the top: the API's routes and plugins would slow every other command's start.
      if (flags.all === true) {
        const { startAllRoles } = await import('../all-in-one.js');
        await runProcess('all-in-one', async (ctx) => announce(await startAllRoles(ctx), '; sync worker, scheduler, outbox relay and webhook dispatcher running'), {
          whileDown: 'requests that need it are answered 503, runs resume from their last committed page and events are published once it is back',
        });
        return;
      }
      const { startApi } = await import('../../api/start.js');
      await runProcess('api', async (ctx) => announce(await startApi(ctx)), { whileDown: 'requests that need it are answered 503 with Retry-After' });
    });
}

/** On stdout whatever the log level: the command's result, for people and for scripts that start it. */
function announce<T extends { url: string }>(running: T, alongside = ''): T {
  process.stdout.write(`API listening on ${running.url} (docs: ${running.url}/docs)${alongside}\n`);
  return running;
}
