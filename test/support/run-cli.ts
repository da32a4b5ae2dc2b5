import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEgressAllow } from './boundary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `lgsp` CLI as package.json's `bin` names it (the build when it is up to date, else the sources
 * through tsx) in a child process with the given environment additions; the test servers on loopback
 * are allowed (`LGSP_EGRESS_ALLOW: ''` takes the default policy).
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/lgsp.js', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', LGSP_EGRESS_ALLOW: testEgressAllow, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
