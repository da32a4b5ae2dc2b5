import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LgspError } from '../errors.js';

/** Where a secret lives. Connections store these references, never the secret itself. */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as DVC_CLIENT_SECRET') }).strict(),
  z.object({ file: z.string().min(1, 'expected a file path') }).strict(),
]);
export const secretRefsSchema = z.record(z.string(), secretRefSchema);
export type SecretRefs = z.infer<typeof secretRefsSchema>;

/** A secret the connection needs is not referenced, or its variable or file is not there. Permanent. */
export class MissingSecretError extends LgspError {
  constructor(message: string) {
    super('SECRET_MISSING', message);
  }
}

/** Reads the secrets a connector needs from where the connection says they are. */
export function resolveSecrets(connectionId: string, needed: readonly string[], refs: SecretRefs, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of needed) {
    const ref = refs[name];
    if (!ref) {
      throw new MissingSecretError(`connection ${connectionId} needs secret "${name}": add it with \`lgsp connections add ... --secret ${name}=env:VARIABLE\``);
    }
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value === '') {
        throw new MissingSecretError(`connection ${connectionId}: secret "${name}" comes from environment variable ${ref.env}, which is not set in this worker's environment`);
      }
      out[name] = value;
    } else {
      try {
        out[name] = readFileSync(ref.file, 'utf8').trim();
      } catch (cause) {
        throw new MissingSecretError(`connection ${connectionId}: secret "${name}" comes from file ${ref.file}, which cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return out;
}
