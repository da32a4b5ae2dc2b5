import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether we run from src/ (tsx) or dist/ (built). */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`lgsp-connect: cannot find the project root above ${start}`);
    dir = up;
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
