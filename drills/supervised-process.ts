import { startWorker, type WorkerProcess } from '../test/support/worker-process.js';

const restartDelayMs = 1000;
/** Generous: on a busy 2-core machine loading TypeScript through tsx alone can take tens of seconds. */
const startTimeoutMs = 120_000;

/**
 * A process entry point (workers/*.ts) run as a supervisor would: one that exits by itself is started again
 * (after a second, like systemd's RestartSec), and its exit is recorded, because a process that dies on a fault
 * has not ridden it out. A kill the drill makes itself is not recorded.
 */
export class SupervisedProcess {
  /** Exits the drill did not cause, e.g. "sync worker exited with code 1: <its last log line>". */
  readonly unexpectedExits: string[] = [];
  private current: WorkerProcess | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly script: string,
    private readonly ready: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    const started = await startWorker(this.script, this.ready, this.env, { startTimeoutMs });
    if (this.stopped) {
      started.child.kill('SIGTERM');
      await started.exited;
      return;
    }
    this.current = started;
    void started.exited.then((code) => { this.onExit(started, code); });
  }

  /** SIGKILL, as the drill's fault: not recorded as an unexpected exit. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const running = this.current;
    if (!running) throw new Error(`${this.name} is not running`);
    this.current = undefined;
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** SIGTERM, and no more restarts. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = this.current;
    this.current = undefined;
    if (!running) return;
    running.child.kill('SIGTERM');
    await running.exited;
  }

  private onExit(process: WorkerProcess, code: number | string): void {
    if (this.current !== process || this.stopped) return;
    this.current = undefined;
    // The line that says why: its last error (node ends an uncaught exception's trace with its version line).
    const lines = process.output().trim().split('\n');
    const why = lines.filter((line) => /error/i.test(line)).pop() ?? lines.pop() ?? '';
    this.unexpectedExits.push(`${this.name} exited with code ${String(code)}: ${why.trim().slice(0, 300)}`);
    this.restartSoon();
  }

  /** As a supervisor does: again after a second, and again while it cannot start (its server is still down). */
  private restartSoon(): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.spawn().catch(() => { this.restartSoon(); });
    }, restartDelayMs);
  }
}
