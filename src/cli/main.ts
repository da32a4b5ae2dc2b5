#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ExitCode, exitCodeMeanings } from '../errors/exit-codes.js';
import { commandIndex } from './command-index.js';

/** The package's version, read from package.json above this file (src/cli/ or dist/src/cli/). */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

const program = new Command('lgsp')
  .description('lgsp-connect: Resolution 57 indicators from the provincial LGSP sources into one warehouse')
  .version(packageVersion(), '-V, --version', 'the version of lgsp-connect')
  .showHelpAfterError('(run `lgsp --help` for the commands)')
  // Set before the subcommands are added, so they inherit it: bad usage exits 2, not commander's 1.
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  })
  .addHelpText('after', `\nExit codes:\n${Object.entries(exitCodeMeanings).map(([exit, meaning]) => `  ${exit.padStart(3)}  ${meaning}`).join('\n')}\nEvery error code and what to do about it: docs/errors.md`);

// Only the command that runs is loaded; without one (`--help`, a typo) each is listed by its summary.
const words = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const name = words[0] === 'help' ? words[1] : words[0];
const entry = commandIndex.find((c) => c.name === name);
if (entry) {
  (await entry.load())(program);
  const { registerCliAudit } = await import('./audit-hook.js');
  registerCliAudit(program); // records every state-changing command after its action
} else {
  for (const c of commandIndex) program.command(c.name).description(c.summary);
}

await program.parseAsync(process.argv);
