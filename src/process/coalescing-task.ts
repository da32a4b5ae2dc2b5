/**
 * Background work that is asked for often and done once per request burst: one run at a time, and requests that
 * arrive meanwhile coalesce into one more run. What refreshes values alongside a sync (requested every so many
 * pages) and what drains the outbox (requested on every notification).
 */
export class CoalescingTask {
  private running: Promise<void> | null = null;
  private requestedAgain = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly work: () => Promise<unknown>) {}

  request(): void {
    if (this.running) this.requestedAgain = true;
    else this.running = this.loop();
  }

  /** Waits for the run under way, if any, and rethrows its failure. */
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
      for (let again = true; again; again = this.takeRequest()) await this.work();
    } catch (error) {
      this.failure = { error };
    } finally {
      this.running = null;
    }
  }
}
