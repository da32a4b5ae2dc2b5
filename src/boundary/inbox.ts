import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { isWithin } from './within.js';

/** An inbox that is not a folder under the host's inbox root (LGSP_INBOX_ROOT), or a root that is not there. */
export class InboxOutsideRootError extends UsageError {
  constructor(inbox: string, why: string) {
    super('INBOX_OUTSIDE_ROOT', `the inbox "${inbox}" ${why}: an inbox is a folder under the inbox root of this host (LGSP_INBOX_ROOT), written relative to it, e.g. "so-khcn". Change the connection's inbox (remove it and add it again), or ask the host operator to move the folder under the root.`);
  }
}

export class InboxRootMissingError extends UsageError {
  constructor(code: string) {
    super('INBOX_ROOT_MISSING', `the inbox root of this host cannot be read (${code}): the host operator creates the folder LGSP_INBOX_ROOT names, or \`lgsp upload\` creates it with the first upload.`);
  }
}

/**
 * Why `inbox` cannot name a folder under the root, judged on the text alone (so nothing outside is looked at):
 * absolute, or with "." or ".." segments. Undefined when it is a relative folder path such as "so-khcn".
 */
export function inboxNameProblem(inbox: string): string | undefined {
  if (isAbsolute(inbox) || /^[A-Za-z]:/.test(inbox)) return 'is an absolute path';
  const segments = inbox.split(/[\\/]/).filter((s) => s !== '');
  if (segments.length === 0) return 'names no folder';
  if (segments.some((s) => s === '..' || s === '.')) return 'has "." or ".." segments';
  return undefined;
}

/**
 * The inbox folder under the root, with symlinks resolved: refused when the name is not a relative folder path, or
 * when the folder (or, while it does not exist yet, its nearest existing parent) resolves outside the root's
 * real path. The folder itself may be missing (`lgsp upload` creates it; a sync reports it).
 */
export async function locateInbox(inbox: string, root: string): Promise<string> {
  const problem = inboxNameProblem(inbox);
  if (problem !== undefined) throw new InboxOutsideRootError(inbox, problem);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (cause) {
    throw new InboxRootMissingError((cause as NodeJS.ErrnoException).code ?? 'error');
  }
  const path = join(realRoot, inbox);
  for (let at = path; ; at = dirname(at)) {
    const found = await realOrMissing(at);
    if (found.kind === 'missing') continue;
    // A link that leads nowhere is refused too: it cannot be shown to stay under the root.
    if (found.kind !== 'real' || !isWithin(realRoot, found.path)) throw new InboxOutsideRootError(inbox, 'leads out of the inbox root through a symbolic link');
    return at === path ? found.path : path;
  }
}

/** Creates the inbox folder under the root (and the root), never through a link leading out of it. */
export async function ensureInbox(inbox: string, root: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const path = await locateInbox(inbox, root);
  await mkdir(path, { recursive: true });
  return locateInbox(inbox, root);
}

type Found = { readonly kind: 'real'; readonly path: string } | { readonly kind: 'missing' | 'dangling link' };

async function realOrMissing(path: string): Promise<Found> {
  try {
    return { kind: 'real', path: await realpath(path) };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    const link = await lstat(path).then((s) => s.isSymbolicLink(), () => false);
    return { kind: link ? 'dangling link' : 'missing' };
  }
}
