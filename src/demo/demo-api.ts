import type { ProcessContext } from '../process/main.js';
import { createApiKey, deleteApiKeysNamed } from '../warehouse/api-keys.js';

const demoKeyName = 'demo (read)';

/**
 * Starts the API for the demo with a fresh read key (the previous demo's key is deleted: keys are shown only
 * once, so a rerun cannot print the old one). When the configured port is taken, any free port serves.
 */
export async function startDemoApi(ctx: ProcessContext): Promise<{ url: string; readKey: string; stop: () => Promise<void> }> {
  await deleteApiKeysNamed(ctx.db, demoKeyName);
  const { key } = await createApiKey(ctx.db, demoKeyName, ['read']);
  // Loaded on use: the demo module is imported by every command of the CLI.
  const { startApi } = await import('../api/start.js');
  const api = await startApi(ctx).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    ctx.logger.warn({ port: ctx.config.api.port }, 'the API port is taken; the demo serves on a free port instead');
    return startApi({ ...ctx, config: { ...ctx.config, api: { ...ctx.config.api, port: 0 } } });
  });
  return { ...api, readKey: key };
}
