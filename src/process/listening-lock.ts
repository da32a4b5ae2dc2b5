import pg from 'pg';

export interface ListeningLockOptions {
  readonly databaseUrl: string;
  /** The NOTIFY channel to listen on. */
  readonly channel: string;
  /** Names the advisory lock: one holder per name across every process. */
  readonly lockName: string;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
}

/**
 * A dedicated connection that LISTENs on a channel and can hold a session advisory lock: one process works at a
 * time (the order of what it publishes depends on it), and a standby takes over as soon as the holder's
 * connection ends (a crash, a kill, a network cut the server notices).
 */
export class ListeningLock {
  private constructor(private readonly client: pg.Client, private readonly lockName: string) {}

  static async connect(options: ListeningLockOptions, onNotify: () => void): Promise<ListeningLock> {
    const client = new pg.Client({ connectionString: options.databaseUrl, keepAlive: true, application_name: options.applicationName });
    // Until the owner attaches its handler (onError), a connection error must not end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      client.on('notification', () => { onNotify(); });
      await client.query(`listen ${options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new ListeningLock(client, options.lockName);
  }

  /** Takes the lock if no other process holds it. */
  async tryLock(): Promise<boolean> {
    const r = await this.client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [this.lockName]);
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
