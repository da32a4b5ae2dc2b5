import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEgressAllow } from './boundary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Starts `workers/sync-worker.ts` as a real process; resolves once it logs that it is ready. */
export async function startSyncWorker(env: Record<string, string>): Promise<WorkerProcess> {
  return startWorker('workers/sync-worker.ts', 'sync worker ready', env);
}

/**
 * Starts a worker entry point (or a command: script and its arguments) as a real process; resolves once its output
 * includes `ready`. One that does not get ready within `startTimeoutMs` is killed (no orphan keeps taking jobs) and
 * the call throws. Starting node with tsx takes a second on an idle machine and far longer on a loaded one: the
 * default bound only catches a worker that never gets there.
 */
export async function startWorker(script: string | readonly string[], ready: string, env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<WorkerProcess> {
  // node itself with tsx as a loader (not the tsx CLI, which runs node as a child): a SIGKILL must hit the worker.
  const child = spawn(process.execPath, ['--import', 'tsx', ...(typeof script === 'string' ? [script] : script)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', LGSP_EGRESS_ALLOW: testEgressAllow, LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', LGSP_JOB_LOCK_MS: '2000', LGSP_STALLED_INTERVAL_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => { resolve(code ?? signal ?? 'unknown'); }));
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (!out.includes(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${String(script)} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, exited };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
