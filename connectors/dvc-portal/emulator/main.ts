/**
 * Runs the emulator for manual use:  npx tsx connectors/dvc-portal/emulator/main.ts [port]
 * (or DVC_PORTAL_PORT). Prints the base URL and the credentials to put in a connection.
 */
import { DvcPortalEmulator } from './server.js';

const port = Number(process.argv[2] ?? process.env.DVC_PORTAL_PORT ?? '8091');
const emulator = new DvcPortalEmulator({
  ...(process.env.DVC_PORTAL_CLIENT_ID ? { clientId: process.env.DVC_PORTAL_CLIENT_ID } : {}),
  ...(process.env.DVC_PORTAL_CLIENT_SECRET ? { clientSecret: process.env.DVC_PORTAL_CLIENT_SECRET } : {}),
});
const baseUrl = await emulator.start(port);
process.stdout.write(`dvc-portal emulator listening on ${baseUrl}\n  client id: ${emulator.clientId}\n  client secret: ${emulator.clientSecret}\n  ${String(emulator.rows.length)} report rows, ${String(emulator.catalogue.length)} procedures\n`);
const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
