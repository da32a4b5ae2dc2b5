import pg from 'pg';

/** The channel the outbox trigger notifies on commit (migration 0008). */
export const outboxChannel = 'lgsp_outbox';

/**
 * A dedicated connection that LISTENs for committed outbox rows and holds the relay lock: a session advisory
 * lock, so one relay publishes at a time (the order per subject depends on it) and a standby takes over when the
 * holder's connection ends.
 */
export class OutboxListener {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string, onNotify: () => void): Promise<OutboxListener> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    client.on('notification', () => { onNotify(); });
    await client.query(`listen ${outboxChannel}`);
    return new OutboxListener(client);
  }

  /** Takes the relay lock if no other relay holds it. */
  async tryLock(): Promise<boolean> {
    const r = await this.client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtext('lgsp-outbox-relay')) as locked`);
    return r.rows[0]?.locked === true;
  }

  onError(handler: (error: Error) => void): void {
    this.client.on('error', handler);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
