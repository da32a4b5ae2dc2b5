import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.js';
import type { AuditChannel, AuditLogTable, AuditOutcome } from './schema.js';

/** One entry as it is written: who, what, which object, from where, and how it ended. Never a secret. */
export interface NewAuditEntry {
  readonly channel: AuditChannel;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly client: string;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly outcome: AuditOutcome;
  /** HTTP status (API only). */
  readonly status: number | null;
  /** Exit code (CLI only). */
  readonly exitCode: number | null;
  readonly errorCode: string | null;
  readonly method: string | null;
  readonly route: string | null;
  /** Names of the fields the request gave, never their values. */
  readonly fields: readonly string[];
}

export interface AuditEntry extends NewAuditEntry {
  readonly id: number;
  readonly at: Date;
}

/** Which entries to list, newest first; every filter is optional. */
export interface AuditFilter {
  /** An API key id or name, or an OS user. */
  readonly actor?: string | undefined;
  /** An action (`connection.create`), or a family of them ending in `.*` (`webhook.*`). */
  readonly action?: string | undefined;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  readonly outcome?: AuditOutcome | undefined;
  /** From this moment on (inclusive). */
  readonly since?: Date | undefined;
  /** Before this moment (exclusive). */
  readonly until?: Date | undefined;
  /** Keyset paging: only entries with a smaller id. */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

/** Appends an entry; the table takes inserts only. */
export async function appendAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  const row: Insertable<AuditLogTable> = {
    channel: entry.channel, actor: entry.actor, actor_name: entry.actorName, client: entry.client, action: entry.action,
    object_type: entry.objectType, object_id: entry.objectId, outcome: entry.outcome, status: entry.status, exit_code: entry.exitCode,
    error_code: entry.errorCode, method: entry.method, route: entry.route, fields: [...entry.fields],
  };
  await db.insertInto('audit_log').values(row).execute();
}

/** LIKE's wildcards taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Entries matching the filter, newest first (by id: ids are given in insert order). */
export async function listAuditEntries(db: Db, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  const { actor, action } = filter;
  if (actor !== undefined) query = query.where((eb) => eb.or([eb('actor', '=', actor), eb('actor_name', '=', actor)]));
  if (action !== undefined) {
    query = action.endsWith('.*')
      ? query.where('action', 'like', `${likeLiteral(action.slice(0, -1))}%`)
      : query.where('action', '=', action);
  }
  if (filter.objectType !== undefined) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectId !== undefined) query = query.where('object_id', '=', filter.objectId);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('at', '<', filter.until);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toEntry);
}

function toEntry(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: r.id, at: r.at, channel: r.channel, actor: r.actor, actorName: r.actor_name, client: r.client, action: r.action,
    objectType: r.object_type, objectId: r.object_id, outcome: r.outcome, status: r.status, exitCode: r.exit_code,
    errorCode: r.error_code, method: r.method, route: r.route, fields: r.fields,
  };
}
