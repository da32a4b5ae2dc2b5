import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, RouteOptions } from 'fastify';
import { appendAuditEntry, type NewAuditEntry } from '../warehouse/audit-log.js';
import type { Db } from '../warehouse/database.js';
import { givenFieldNames } from './field-names.js';
import { outcomeOfStatus } from './outcome.js';

/** What a state-changing route records in the audit log, declared in its `config.audit`. */
export interface RouteAudit {
  /** A dotted name: `connection.create`, `webhook.secret.rotate`. */
  readonly action: string;
  /** The kind of object acted on: `connection`, `apikey`, `webhook`, `run`. */
  readonly object?: string;
  /** The route parameter that holds the object's id. */
  readonly idParam?: string;
  /** The body field that holds the object's id (a create that is given its id). */
  readonly idBody?: string;
}

/** A state-changing route and the action it records (null: none declared, the fallback `<METHOD> <url>` is used). */
export interface AuditedRoute {
  readonly method: string;
  readonly url: string;
  readonly action: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action of a state-changing route (POST, PUT, PATCH, DELETE); every such route declares one. */
    audit?: RouteAudit;
  }
  interface FastifyInstance {
    /** The state-changing routes and their declared audit actions (a test proves none lacks one). */
    auditedRoutes(): readonly AuditedRoute[];
  }
}

export const stateChangingMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Ids and the like are short; anything longer is cut so a request cannot make its entry large. */
const maxIdLength = 200;

/** What a request contributes to its entry beyond the route: kept per request, without decorating it. */
interface RequestNotes {
  fields: string[];
  bodyObjectId?: string;
  objectId?: string;
  errorCode?: string;
}
const notes = new WeakMap<FastifyRequest, RequestNotes>();

function notesOf(request: FastifyRequest): RequestNotes {
  let n = notes.get(request);
  if (n === undefined) {
    n = { fields: [] };
    notes.set(request, n);
  }
  return n;
}

/** For a handler whose object's id exists only once it is done (a created key's or webhook's generated id). */
export function auditObjectId(request: FastifyRequest, id: string): void {
  notesOf(request).objectId = id;
}

const idText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, maxIdLength) : undefined;

function methodsOf(route: RouteOptions): string[] {
  const methods: readonly HTTPMethods[] = Array.isArray(route.method) ? route.method : [route.method];
  return methods.map((m) => m.toUpperCase());
}

/** The names of the fields the request gave, and the object's id when its body names it. */
function noteGivenFields(request: FastifyRequest): void {
  const schema = request.routeOptions.schema;
  const n = notesOf(request);
  n.fields = [...givenFieldNames('body', request.body, schema?.body), ...givenFieldNames('querystring', request.query, schema?.querystring)];
  const idBody = request.routeOptions.config.audit?.idBody;
  if (idBody !== undefined) {
    const id = idText((request.body as Record<string, unknown> | null | undefined)?.[idBody]);
    if (id !== undefined) n.bodyObjectId = id;
  }
}

/** The entry of one answered request. */
function entryOf(request: FastifyRequest, reply: FastifyReply): NewAuditEntry {
  const route = request.routeOptions;
  const declared = route.config.audit;
  const n = notes.get(request);
  const params = request.params as Record<string, unknown> | undefined;
  const fromParam = declared?.idParam === undefined ? undefined : idText(params?.[declared.idParam]);
  const key = request.apiKey;
  return {
    channel: 'api',
    actor: key?.id ?? null,
    actorName: key?.name ?? null,
    client: request.ip,
    action: declared?.action ?? `${request.method} ${route.url ?? '(no such route)'}`,
    objectType: declared?.object ?? null,
    objectId: n?.objectId ?? fromParam ?? n?.bodyObjectId ?? null,
    outcome: outcomeOfStatus(reply.statusCode),
    status: reply.statusCode,
    exitCode: null,
    errorCode: n?.errorCode ?? null,
    method: request.method,
    route: route.url ?? null,
    fields: n?.fields ?? [],
  };
}

/** The stable code of a refusal or failure, from the problem document (auth answers those itself, not by throwing). */
function noteErrorCode(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  if (reply.statusCode < 400 || typeof payload !== 'string') return;
  if (!String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json')) return;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    if (typeof code === 'string') notesOf(request).errorCode = code.slice(0, maxIdLength);
  } catch {
    // Not JSON after all: the entry goes without a code.
  }
}

/**
 * The audit log of the API, in one place: every POST, PUT, PATCH and DELETE, whatever the route and however it
 * ended (refused by auth, validation, a conflict or the rate limit included), is appended as its answer is sent, with
 * the route's declared action. Recording never fails a request: an insert that fails is a warning in the log.
 * Registered at the root before the routes, so its hooks cover every plugin's routes.
 */
export function registerAuditLog(app: FastifyInstance, db: Db): void {
  const routes: { readonly method: string; readonly options: RouteOptions }[] = [];
  const pending = new Set<Promise<void>>();

  app.addHook('onRoute', (options) => {
    for (const method of methodsOf(options)) if (stateChangingMethods.has(method)) routes.push({ method, options });
  });
  // Read when asked: a plugin's own onRoute hook (the queue dashboard's) may set the config after ours ran.
  app.decorate('auditedRoutes', () => routes.map(({ method, options }) => ({ method, url: options.url, action: options.config?.audit?.action ?? null })));
  app.addHook('onReady', (done) => {
    for (const r of app.auditedRoutes()) if (r.action === null) app.log.warn({ method: r.method, url: r.url }, 'state-changing route declares no audit action (config.audit); recorded as method and URL');
    done();
  });

  // Before validation: the names the client gave, not the defaults the schema fills in.
  app.addHook('preValidation', (request, _reply, done) => {
    if (stateChangingMethods.has(request.method)) noteGivenFields(request);
    done();
  });
  // Recorded as the answer is sent, not once it is received (onResponse): a client that hangs up before the answer
  // does not stop the change it asked for, so it must not stop its entry either.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!stateChangingMethods.has(request.method)) return payload;
    noteErrorCode(request, reply, payload);
    const entry = entryOf(request, reply);
    const write = appendAuditEntry(db, entry).catch((error: unknown) => {
      request.log.warn({ err: error instanceof Error ? error.message : String(error), action: entry.action }, 'could not record the audit entry; the request itself was answered');
    });
    pending.add(write);
    void write.finally(() => pending.delete(write));
    return payload;
  });
  // The entries of the last requests are written before the caller closes the database.
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });
}
