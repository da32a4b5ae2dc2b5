import pg from 'pg';

/** The channel the webhook_subscription trigger notifies on commit (migration 0010). */
export const webhooksChannel = 'lgsp_webhooks';

/**
 * A dedicated connection that LISTENs for subscription changes and holds the dispatcher lock: a session advisory
 * lock, so one dispatcher delivers at a time (the order per subscription depends on it) and a standby takes over
 * as soon as the holder's connection ends (a crash, a kill, a network cut the server notices).
 */
export class DispatcherLock {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string, onChange: () => void): Promise<DispatcherLock> {
    const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, application_name: 'lgsp-webhook-dispatcher' });
    await client.connect();
    client.on('notification', () => { onChange(); });
    await client.query(`listen ${webhooksChannel}`);
    return new DispatcherLock(client);
  }

  /** Takes the dispatcher lock if no other dispatcher holds it. */
  async tryLock(): Promise<boolean> {
    const r = await this.client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtext('lgsp-webhook-dispatcher')) as locked`);
    return r.rows[0]?.locked === true;
  }

  /** Proves the connection (and so the lock it holds) is still alive; throws when it is not. */
  async check(): Promise<void> {
    await this.client.query('select 1');
  }

  onError(handler: (error: Error) => void): void {
    this.client.on('error', handler);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
