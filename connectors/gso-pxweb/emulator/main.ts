import { GsoPxwebEmulator } from './server.js';

/** Runs the emulator standalone: `npx tsx connectors/gso-pxweb/emulator/main.ts [port]`. */
const port = Number(process.argv[2] ?? process.env.PORT ?? 8090);
const emulator = new GsoPxwebEmulator();
const baseUrl = await emulator.start(port);
const tables = emulator.tables.map((t) => `  ${baseUrl}/api/v1/vi/${encodeURIComponent(t.database)}/${encodeURIComponent(t.table)}  ${t.title}`).join('\n');
process.stdout.write(`gso-pxweb emulator (PX-Web API v1, JSON-stat 2.0) at ${baseUrl}\n${tables}\n`);
const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
