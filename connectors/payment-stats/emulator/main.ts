import { PaymentStatsEmulator } from './server.js';

/** Runs the emulator standalone: `npx tsx connectors/payment-stats/emulator/main.ts [port]` (API key in PAYMENT_STATS_API_KEY). */
const port = Number(process.argv[2] ?? process.env.PORT ?? 8089);
const apiKey = process.env.PAYMENT_STATS_API_KEY;
const emulator = new PaymentStatsEmulator(apiKey === undefined ? {} : { apiKey });
const baseUrl = await emulator.start(port);
process.stdout.write(`payment-stats emulator at ${baseUrl} (X-API-Key: ${emulator.apiKey}); index: ${baseUrl}/thong-ke/thanh-toan/index.json\n`);
const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
