#!/usr/bin/env node
// The `lgsp` command. Runs the compiled CLI (dist/, built by `npm install` through the `prepare` script), which
// starts in a fraction of a second; where there is no build, or the sources changed since it, runs them through
// tsx instead (slower to start) and says how to make it fast again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/src/cli/main.js`;
const stamp = `${root}dist/.built`;

/** The newest modification time under the folders the build compiles. */
function newestSource() {
  let newest = 0;
  for (const top of ['src', 'connectors', 'workers']) {
    if (!existsSync(`${root}${top}`)) continue; // an image with the build only
    for (const entry of readdirSync(`${root}${top}`, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

// Connector modules written in TypeScript (LGSP_CONNECTOR_MODULES) import the sources (src/...): the CLI then runs
// from the sources too, or the two would hold two copies of each module (and of each error class).
const typeScriptModules = (process.env.LGSP_CONNECTOR_MODULES ?? '').split(',').some((m) => m.trim().endsWith('.ts'));

if (!typeScriptModules && existsSync(compiled) && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  await import(compiled);
} else {
  // Said to a person at a terminal only: a script's stderr stays its own.
  if (!typeScriptModules && existsSync(compiled) && process.stderr.isTTY) process.stderr.write('lgsp: the sources changed since the last build, so they run through tsx (slower to start); `npm run build` makes lgsp fast again.\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(`${root}src/cli/main.ts`);
}
