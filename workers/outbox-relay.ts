// The outbox relay. Until the events issue delivers them (Redis Streams, webhooks, SSE), it reports the backlog
// of change events committed with the warehouse's changes, so operators can see events are being produced.
import { sql } from 'kysely';
import { runProcess } from '../src/process/main.js';

const reportEveryMs = 30_000;

await runProcess('outbox-relay', async ({ logger, db }) => {
  const report = async () => {
    const r = await sql<{ pending: number; oldest: Date | null }>`
      select count(*)::int as pending, min(created_at) as oldest from outbox_event where published_at is null`.execute(db);
    logger.info({ pending: r.rows[0]?.pending ?? 0, oldest: r.rows[0]?.oldest ?? null }, 'outbox backlog (delivery arrives with the events issue)');
  };
  await report();
  const timer = setInterval(() => {
    report().catch((error: unknown) => { logger.error({ err: (error as Error).message }, 'reading the outbox failed'); });
  }, reportEveryMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
});
