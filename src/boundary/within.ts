import { relative, isAbsolute, sep } from 'node:path';

/** Whether `path` is `root` itself or lies beneath it (both absolute and already resolved, e.g. by realpath). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
