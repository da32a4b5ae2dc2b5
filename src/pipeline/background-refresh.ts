/**
 * Refreshes materialised values alongside a sync: requested every so many pages and run on a connection of its
 * own while the next pages are written, so Node computes values while PostgreSQL writes pages. One refresh at a
 * time; requests that arrive meanwhile coalesce into one more.
 */
export class BackgroundRefresh {
  private running: Promise<void> | null = null;
  private requestedAgain = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly refresh: () => Promise<unknown>) {}

  request(): void {
    if (this.running) this.requestedAgain = true;
    else this.running = this.loop();
  }

  /** Waits for the refresh under way, if any, and rethrows its failure. */
  async settle(): Promise<void> {
    await this.running;
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure.error;
  }

  private takeRequest(): boolean {
    const requested = this.requestedAgain;
    this.requestedAgain = false;
    return requested;
  }

  private async loop(): Promise<void> {
    try {
      for (let again = true; again; again = this.takeRequest()) await this.refresh();
    } catch (error) {
      this.failure = { error };
    } finally {
      this.running = null;
    }
  }
}
