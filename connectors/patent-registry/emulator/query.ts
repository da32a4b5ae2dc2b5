import { compareByModification, type ApplicationKind, type EmulatedApplication } from './application.js';

/** A position in the results: after (LastModified, id). Opaque to clients: base64url JSON. */
interface Position {
  readonly t: number;
  readonly i: number;
}

export function encodeCursor(app: EmulatedApplication): string {
  return Buffer.from(JSON.stringify({ t: app.lastModified, i: app.id } satisfies Position)).toString('base64url');
}

function decodeCursor(cursor: string): Position | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || !('t' in value) || !('i' in value)) return undefined;
    const { t, i } = value;
    return typeof t === 'number' && typeof i === 'number' ? { t, i } : undefined;
  } catch {
    return undefined;
  }
}

export interface ApplicationsQuery {
  readonly kinds: ReadonlySet<string>;
  readonly modifiedSince: number | undefined;
  readonly after: Position | undefined;
  readonly limit: number;
}

const knownKinds: readonly ApplicationKind[] = ['PATENT', 'UTILITY_SOLUTION'];
export const defaultLimit = 200;
export const maxLimit = 1000;

/** The query string of GET /api/v1/applications, or what is wrong with it (answered 400). */
export function parseQuery(params: URLSearchParams): ApplicationsQuery | { readonly error: string } {
  const kinds = (params.get('kind') ?? knownKinds.join(',')).split(',').map((k) => k.trim()).filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(knownKinds as readonly string[]).includes(k));
  if (unknown.length > 0) return { error: `unknown kind ${unknown.join(', ')}` };
  const since = params.get('modifiedSince');
  const modifiedSince = since === null ? undefined : Date.parse(since);
  if (modifiedSince !== undefined && (Number.isNaN(modifiedSince) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(since ?? ''))) return { error: `modifiedSince "${since ?? ''}" is not an ISO 8601 time` };
  const cursor = params.get('cursor');
  const after = cursor === null ? undefined : decodeCursor(cursor);
  if (cursor !== null && after === undefined) return { error: `cursor "${cursor}" is not valid` };
  const limitText = params.get('limit');
  const limit = limitText === null ? defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return { error: `limit must be an integer from 1 to ${maxLimit}` };
  return { kinds: new Set(kinds), modifiedSince, after, limit };
}

export interface QueryPage {
  readonly total: number;
  readonly applications: EmulatedApplication[];
  readonly nextCursor: string | undefined;
}

/** The matches ordered by LastModified, the page after the cursor, and the cursor of the next page (none on the last). */
export function runQuery(all: readonly EmulatedApplication[], q: ApplicationsQuery): QueryPage {
  const matches = all.filter((a) => q.kinds.has(a.kind) && (q.modifiedSince === undefined || a.lastModified >= q.modifiedSince)).sort(compareByModification);
  const after = q.after;
  const rest = after === undefined ? matches : matches.filter((a) => a.lastModified > after.t || (a.lastModified === after.t && a.id > after.i));
  const applications = rest.slice(0, q.limit);
  const last = applications[applications.length - 1];
  return { total: matches.length, applications, nextCursor: rest.length > q.limit && last ? encodeCursor(last) : undefined };
}
