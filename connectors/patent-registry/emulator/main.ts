import { PatentRegistryEmulator } from './emulator.js';

/**
 * Runs the emulated IP Vietnam registry standalone:
 *   npx tsx connectors/patent-registry/emulator/main.ts [port] [--malformed] [--faults]
 * then point a `patent-registry` connection's baseUrl at the printed URL.
 */
const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) ?? '0');
const emulator = new PatentRegistryEmulator({
  malformed: args.includes('--malformed'),
  ...(args.includes('--faults')
    ? { faults: { tooManyRequests: { count: 1, retryAfterSeconds: 1 }, serverErrors: [500, 502, 503], resetMidBody: 1, modifyDuringPaging: { afterPage: 0 } } }
    : {}),
});
const baseUrl = await emulator.start(port);
process.stdout.write(`patent-registry emulator: ${baseUrl}/api/v1/applications (${emulator.applications.length} applications)\n`);
const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
