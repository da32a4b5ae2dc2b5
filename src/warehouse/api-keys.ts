import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { ConflictError } from '../errors.js';
import type { Db } from './database.js';
import type { ApiScope } from './schema.js';

/** A key as the API sees it once verified: never the secret. */
export interface ApiKeyIdentity {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
}

export interface ApiKeySummary extends ApiKeyIdentity {
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

const keyPattern = /^lgsp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Creates a key; the returned `key` is the only time its secret exists outside the caller's hands. */
export async function createApiKey(db: Db, name: string, scopes: readonly ApiScope[]): Promise<ApiKeyIdentity & { key: string }> {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db.insertInto('api_key').values({ id, name, secret_sha256: sha256(secret), scopes: [...new Set(scopes)] }).execute();
  return { id, name, scopes, key: `lgsp_${id}_${secret}` };
}

/** The key a request presented, if it is well formed, known, not revoked and its secret matches. */
export async function verifyApiKey(db: Db, presented: string): Promise<ApiKeyIdentity | null> {
  const match = keyPattern.exec(presented);
  if (!match) return null;
  const [, id, secret] = match as unknown as [string, string, string];
  const row = await db.selectFrom('api_key').select(['id', 'name', 'scopes', 'secret_sha256']).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row || !timingSafeEqual(row.secret_sha256, sha256(secret))) return null;
  return { id: row.id, name: row.name, scopes: row.scopes };
}

/** Records that a key was used, at most once a minute per key (a write per request would be wasteful). */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await sql`update api_key set last_used_at = now() where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`.execute(db);
}

export async function listApiKeys(db: Db): Promise<ApiKeySummary[]> {
  const rows = await db.selectFrom('api_key').select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, scopes: r.scopes, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** The last active admin key would be revoked: nobody could manage keys or the dashboard through the API any more. */
export class LastAdminKeyError extends ConflictError {
  constructor(id: string) {
    super('LAST_ADMIN_KEY', `key ${id} is the last active admin key and stays: create another admin key first (\`lgsp apikey create --scopes admin\`), then revoke this one.`);
  }
}

/**
 * Revokes a key at once; returns false when no such active key exists. Refuses (LastAdminKeyError) to revoke the
 * last active admin key. The active admin keys are locked first, in id order: of two revocations at once, the
 * second waits for the first and then counts without the key it revoked, so both cannot pass.
 */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('api_key').select('id')
      .where('revoked_at', 'is', null).where(sql<boolean>`'admin' = any(scopes)`)
      .orderBy('id').forUpdate().execute();
    const target = await trx.selectFrom('api_key').select('scopes').where('id', '=', id).where('revoked_at', 'is', null).forUpdate().executeTakeFirst();
    if (target === undefined) return false;
    if (target.scopes.includes('admin') && admins.every((a) => a.id === id)) throw new LastAdminKeyError(id);
    await trx.updateTable('api_key').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    return true;
  });
}

/** Each scope includes the ones before it: operators read, admins do everything. */
const scopeRank: Record<ApiScope, number> = { read: 0, operate: 1, admin: 2 };

/** Whether a key with `scopes` may do what `required` allows. */
export function hasScope(scopes: readonly ApiScope[], required: ApiScope): boolean {
  return scopes.some((s) => scopeRank[s] >= scopeRank[required]);
}

/** Deletes every key of a name (the demo's own key, replaced at each run); returns how many. */
export async function deleteApiKeysNamed(db: Db, name: string): Promise<number> {
  const r = await db.deleteFrom('api_key').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows);
}
