import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { linkEscapeRefusal, locateSecretFile, secretRefRefusal } from '../boundary/secret-refs.js';
import type { BoundaryConfig } from '../config/env.js';
import { LgspError } from '../errors.js';

/**
 * Where a secret lives. Connections store these references, never the secret itself; what they may name (the
 * host's published variables and secrets folder) is checked against the boundary (src/boundary/secret-refs.ts).
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as LGSP_SECRET_DVC_CLIENT_SECRET') }).strict(),
  z.object({ file: z.string().min(1, 'expected the name of a file in the secrets folder') }).strict(),
]);
export const secretRefsSchema = z.record(z.string(), secretRefSchema);
export type SecretRefs = z.infer<typeof secretRefsSchema>;

/** A secret the connection needs is not referenced, or its published variable or file is not there. Permanent. */
export class MissingSecretError extends LgspError {
  constructor(message: string) {
    super('SECRET_MISSING', message);
  }
}

/** A stored reference names something the host does not publish to connections (written before the boundary). Permanent. */
export class ForbiddenSecretRefError extends LgspError {
  constructor(message: string) {
    super('SECRET_REF_FORBIDDEN', message);
  }
}

const readdHint = (connectionId: string, name: string, prefix: string): string =>
  `remove the connection and add it again with \`--secret ${name}=env:${prefix}…\` (or \`=file:<name in LGSP_SECRETS_DIR>\`): \`lgsp connections remove ${connectionId}\``;

/**
 * Reads the secrets a connector needs from where the connection says they are, within what the host publishes.
 * A reference outside it is refused before anything is looked up, so the error never tells whether it exists.
 */
export function resolveSecrets(connectionId: string, needed: readonly string[], refs: SecretRefs, boundary: BoundaryConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = boundary.secretEnvPrefix;
  for (const name of needed) {
    const ref = refs[name];
    if (!ref) {
      throw new MissingSecretError(`connection ${connectionId} needs secret "${name}": add it with \`lgsp connections add ... --secret ${name}=env:${prefix}…\``);
    }
    const refusal = secretRefRefusal(ref, boundary);
    if (refusal !== undefined) throw new ForbiddenSecretRefError(`connection ${connectionId}: secret "${name}": ${refusal}. Nothing was read; ${readdHint(connectionId, name, prefix)}.`);
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value === '') {
        throw new MissingSecretError(`connection ${connectionId}: secret "${name}" comes from environment variable ${ref.env}, which is not set in this worker's environment: set it there`);
      }
      out[name] = value;
      continue;
    }
    const location = locateSecretFile(ref.file, boundary);
    if (location.kind === 'escapes') {
      throw new ForbiddenSecretRefError(`connection ${connectionId}: secret "${name}": ${linkEscapeRefusal(ref.file)}. Nothing was read.`);
    }
    let code = location.kind === 'unreadable' ? location.code : '';
    if (location.kind === 'inside') {
      try {
        out[name] = readFileSync(location.path, 'utf8').trim();
        continue;
      } catch (cause) {
        code = (cause as NodeJS.ErrnoException).code ?? 'error';
      }
    }
    throw new MissingSecretError(`connection ${connectionId}: secret "${name}" comes from file ${ref.file} of the secrets folder (LGSP_SECRETS_DIR), which cannot be read (${code}): the host operator puts it there, readable by the workers`);
  }
  return out;
}
