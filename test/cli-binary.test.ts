import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandIndex } from '../src/cli/command-index.js';
import { projectRoot } from '../src/config/project-root.js';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/** Runs the file package.json's `bin` names, as the shell would (its shebang), not through npx or tsx. */
function runBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(projectRoot, manifest.bin.lgsp ?? 'missing');
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: projectRoot, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the lgsp binary', () => {
  it('answers --version and lists every command in --help', async () => {
    const version = await runBin(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    for (const c of commandIndex) expect(help.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, 'm'));
  });

  it('loads the command asked for, with its options and subcommands', async () => {
    const help = await runBin(['runs', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}list\b/m);
    expect((await runBin(['help', 'sync'])).stdout).toMatch(/--wait/);
  });

  it('an unknown command exits 2 (usage) naming it', async () => {
    const r = await runBin(['sycn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'sycn'/);
  });

  it('the summary --help shows is each command\'s own description', async () => {
    for (const entry of commandIndex) {
      const program = new Command('lgsp');
      (await entry.load())(program);
      const registered = program.commands.find((c) => c.name() === entry.name);
      expect(registered?.description(), entry.name).toBe(entry.summary);
    }
  });
});
