import { lstatSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundaryConfig } from '../config/env.js';
import { isWithin } from './within.js';

/**
 * What a connection may name as a secret's place: an environment variable with the host's prefix, or a file
 * directly in the host's secrets folder. Everything else of the host (DATABASE_URL, /etc/shadow) is out of reach.
 */
export type SecretRef = { readonly env: string } | { readonly file: string };

/** A bare file name: no folder, no "..", not hidden. */
const bareFileName = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/**
 * Why the reference is outside what the host publishes to connections, or undefined when it is inside. Decided on
 * the reference alone, so the answer never depends on (and never tells) what exists on the host.
 */
export function secretRefRefusal(ref: SecretRef, boundary: Pick<BoundaryConfig, 'secretEnvPrefix'>): string | undefined {
  const prefix = boundary.secretEnvPrefix;
  if ('env' in ref) {
    if (ref.env.startsWith(prefix) && ref.env.length > prefix.length) return undefined;
    return `environment variable ${ref.env} is not published to connections: only variables named ${prefix}… are (e.g. ${prefix}DVC_CLIENT_SECRET); the host operator sets the secret in such a variable`;
  }
  if (bareFileName.test(ref.file)) return undefined;
  return `"${ref.file}" is not a file of the secrets folder: give the bare name of a file the host operator put in the folder LGSP_SECRETS_DIR names (e.g. dvc-client-secret), without folders or "..", not starting with "."`;
}

/** Why a file of the secrets folder may not be read although named well: a link leading out of the folder. */
export const linkEscapeRefusal = (file: string): string =>
  `file ${file} of the secrets folder is a link leading out of it; the host operator replaces it with the file itself`;

/**
 * `secretRefRefusal`, and a published name that is a link out of the folder: what a new connection is checked
 * against. A file not there yet is accepted (the host operator may add it later; resolving it says so).
 */
export function publishedSecretRefusal(ref: SecretRef, boundary: Pick<BoundaryConfig, 'secretEnvPrefix' | 'secretsDir'>): string | undefined {
  const refusal = secretRefRefusal(ref, boundary);
  if (refusal !== undefined || 'env' in ref) return refusal;
  return locateSecretFile(ref.file, boundary).kind === 'escapes' ? linkEscapeRefusal(ref.file) : undefined;
}

/** Where a published secret file is: inside the folder (possibly absent), or escaping it through a symlink. */
export type SecretFileLocation =
  | { readonly kind: 'inside'; readonly path: string }
  | { readonly kind: 'escapes' }
  | { readonly kind: 'unreadable'; readonly code: string };

/**
 * Finds a file named by a bare name in the secrets folder, following symlinks only while they stay in the folder's
 * real path. A symlink that resolves nowhere counts as an escape: it cannot be shown to stay inside.
 */
export function locateSecretFile(name: string, boundary: Pick<BoundaryConfig, 'secretsDir'>): SecretFileLocation {
  const path = join(boundary.secretsDir, name);
  let root: string;
  try {
    root = realpathSync(boundary.secretsDir);
  } catch (cause) {
    return { kind: 'unreadable', code: errnoCode(cause) };
  }
  try {
    const real = realpathSync(path);
    return isWithin(root, real) && real !== root ? { kind: 'inside', path: real } : { kind: 'escapes' };
  } catch (cause) {
    if (isSymlink(path)) return { kind: 'escapes' };
    return { kind: 'unreadable', code: errnoCode(cause) };
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const errnoCode = (cause: unknown): string => (cause as NodeJS.ErrnoException).code ?? 'error';
