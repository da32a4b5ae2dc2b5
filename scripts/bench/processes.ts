import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/config/project-root.js';

export interface BenchProcess {
  /** The entry point it runs and its arguments. */
  readonly args: readonly string[];
  readonly child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a project entry point (`workers/*.ts`, `src/cli/main.ts serve`) as a process of its own, as it runs in
 * production, and resolves once its output matches `ready`.
 */
export async function startProcess(args: readonly string[], ready: RegExp, env: Record<string, string>): Promise<BenchProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${args.join(' ')} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    args,
    child,
    output: () => out,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => { resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

/** p50, p99 and max of a list of milliseconds. */
export function percentiles(values: readonly number[]): { count: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}
