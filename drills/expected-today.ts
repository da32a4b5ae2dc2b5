/**
 * Drills known to fail on the code as it stands, with the reason. `npm test` reports them without failing;
 * `docs/reliability.md` still shows them failed. Empty this list once issue 14's fixes are merged: from then on
 * every drill must pass.
 */
export const expectedToFailToday: Readonly<Record<string, string>> = {
  'postgres-restart': 'the sync worker exits on an unhandled pg client error and the relay exits 69 (issue 14)',
  'redis-restart-volatile': 'the lost job is never requeued: the run stays running for ever, and the stream loses what it held (issue 14)',
};
