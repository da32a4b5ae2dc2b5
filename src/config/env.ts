import { isAbsolute, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { logFormats, type LogFormat } from '../logger.js';
import { projectRoot } from './project-root.js';
import { isSentinelUrl, parseSentinelUrl, sentinelUrlExample } from './redis-connection.js';

const postgresUrl = z
  .url({ protocol: /^postgres(ql)?$/, error: 'expected a URL such as postgres://user@127.0.0.1:5432/lgsp' });
/** Addresses Fastify's trustProxy takes: an IP, a CIDR range, or proxy-addr's names (loopback, linklocal, uniquelocal). */
const proxyAddress = (entry: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry);
const plainRedisUrl = z.url({ protocol: /^rediss?$/, error: 'expected a URL such as redis://127.0.0.1:6379' });
/** A plain Redis URL, or a Sentinel URL (src/config/redis-connection.ts). */
const redisUrl = z.string().superRefine((url, ctx) => {
  if (!isSentinelUrl(url)) {
    const plain = plainRedisUrl.safeParse(url);
    if (!plain.success) ctx.addIssue({ code: 'custom', message: plain.error.issues[0]?.message ?? 'expected a URL such as redis://127.0.0.1:6379' });
    return;
  }
  try {
    parseSentinelUrl(url);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `a Sentinel URL: ${(error as Error).message}, e.g. ${sentinelUrlExample}` });
  }
});
/**
 * Letters, digits, ":", "_", "-", with at most one Redis Cluster hash tag (`{lgsp}`): Redis hashes a key on the
 * part between its first braces, so every key of a queue lands in one slot, as BullMQ's scripts need on a Cluster.
 */
const queuePrefix = z
  .string()
  .regex(/^[a-z0-9:_-]*(\{[a-z0-9:_-]+\}[a-z0-9:_-]*)?$/i, 'expected letters, digits, ":", "_" or "-", with at most one non-empty hash tag in braces for Redis Cluster, e.g. {lgsp}')
  .min(1, 'expected a key prefix such as lgsp or {lgsp}');

/** A sync's retries: attempts in all, and the delay before the second (each next one doubles). */
export interface SyncRetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** 6 attempts, 15 s doubling: 15 + 30 + 60 + 120 + 240 s = 7.75 min of waiting, plus each attempt's own HTTP retries. */
export const defaultSyncRetry: SyncRetryPolicy = { attempts: 6, backoffMs: 15_000 };

/** The process configuration: one schema, read from the environment once at start-up. */
export const envSchema = z.object({
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/lgsp'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** auto: readable lines on a terminal, JSON lines otherwise; json or pretty: always that. */
  LOG_FORMAT: z.enum(logFormats, { error: 'expected one of auto, json, pretty' }).default('auto'),
  /** Folder with the commune files of ../shared/data/admin-units; relative paths are taken from the project root. */
  LGSP_ADMIN_UNITS_DIR: z.string().min(1, 'expected a folder path').default('../shared/data/admin-units'),
  /** Extra connector modules for the workers, comma-separated paths (each default-exports a connector). */
  LGSP_CONNECTOR_MODULES: z.string().default(''),
  /** Redis key prefix of the queues: several installations (or test runs) can share one Redis. */
  LGSP_QUEUE_PREFIX: queuePrefix.default('lgsp'),
  LGSP_SYNC_CONCURRENCY: z.coerce.number({ error: 'expected a whole number of concurrent syncs per worker process' }).int().min(1).max(64).default(2),
  LGSP_JOB_LOCK_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(1000).default(30_000),
  LGSP_STALLED_INTERVAL_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(500).default(15_000),
  /** A sync's attempts and the first backoff (doubling): the defaults ride out a source down ~8 minutes (docs/operations.md, "Retries"). */
  LGSP_SYNC_ATTEMPTS: z.coerce.number({ error: 'expected a whole number of attempts' }).int().min(1).max(50).default(defaultSyncRetry.attempts),
  LGSP_SYNC_BACKOFF_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(1).default(defaultSyncRetry.backoffMs),
  /** How often a sync worker requeues runs whose job Redis lost, and how often it renews its heartbeat. */
  LGSP_RECONCILE_INTERVAL_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).default(60_000),
  LGSP_WORKER_HEARTBEAT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).default(10_000),
  /** The Redis Stream change events are published to, and its approximate cap. */
  LGSP_EVENTS_STREAM: z.string().min(1, 'expected a Redis key').default('lgsp:events'),
  LGSP_EVENTS_STREAM_MAXLEN: z.coerce.number({ error: 'expected a whole number of entries' }).int().min(1000).default(1_000_000),
  /** CloudEvents `source` of this installation. */
  LGSP_EVENT_SOURCE: z.string().min(1, 'expected a URI reference such as urn:lgsp-connect:an-giang').default('urn:lgsp-connect'),
  /** The relay's safety-net poll; commits wake it at once (NOTIFY). */
  LGSP_OUTBOX_POLL_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).default(5_000),
  /** Published outbox rows are deleted after this many hours. */
  LGSP_OUTBOX_RETENTION_HOURS: z.coerce.number({ error: 'expected a whole number of hours' }).int().min(1).default(168),
  /** Long-lived processes ride out PostgreSQL and Redis outages; after this many seconds continuously down they exit 69 (0: never). */
  LGSP_OUTAGE_GIVE_UP_S: z.coerce.number({ error: 'expected seconds, 0 to never give up' }).int().min(0, 'expected seconds, 0 to never give up').default(0),
  /** Where `lgsp serve` listens. */
  LGSP_API_HOST: z.string().min(1, 'expected a host name or address such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  LGSP_API_PORT: z.coerce.number({ error: 'expected a TCP port' }).int().min(0).max(65535).default(8080),
  /** The API's address as its clients reach it (through a proxy, say): the OpenAPI document's `servers`. Default http://<LGSP_API_HOST>:<LGSP_API_PORT>. */
  LGSP_API_PUBLIC_URL: z.url({ error: 'expected the URL clients reach the API at, such as https://lgsp.example.gov.vn' }).optional(),
  /** Requests per minute each API key may make (counted in Redis, so across API instances). */
  LGSP_API_RATE_LIMIT: z.coerce.number({ error: 'expected a whole number of requests per minute' }).int().min(1).default(600),
  // --- API trust boundary (issue 13) ---
  /** The proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs); none by default. */
  LGSP_API_TRUST_PROXY: z
    .string()
    .transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p !== ''))
    .refine((list) => list.every(proxyAddress), 'expected comma-separated proxy addresses or CIDR ranges, e.g. 10.0.0.5,10.1.0.0/16')
    .default([]),
  /** How long a client may take to send a whole request (headers and body); responses, such as event streams, are not limited. */
  LGSP_API_REQUEST_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100, 'expected at least 100 milliseconds').default(30_000),
  /** Failed authentications (401, 403) one client address may make per window before it gets 429s. */
  LGSP_API_AUTH_FAILURE_LIMIT: z.coerce.number({ error: 'expected a whole number of failed authentications' }).int().min(1, 'expected at least 1 failed authentication').default(20),
  LGSP_API_AUTH_FAILURE_WINDOW_S: z.coerce.number({ error: 'expected seconds' }).int().min(1, 'expected 1 to 86400 seconds').max(86_400, 'expected 1 to 86400 seconds').default(300),
  /** Strict-Transport-Security max-age; 0 (default) sends no HSTS header: the API often runs on plain HTTP. */
  LGSP_API_HSTS_MAX_AGE_S: z.coerce.number({ error: 'expected seconds, e.g. 31536000 for a year; 0 for none' }).int().min(0, 'expected seconds, 0 for none').default(0),
  // --- end of the API trust boundary ---
  /** Webhook deliveries: attempts per event before it goes to the dead letters, and each attempt's time limit. */
  LGSP_WEBHOOK_MAX_ATTEMPTS: z.coerce.number({ error: 'expected a whole number of attempts' }).int().min(1).max(100).default(8),
  LGSP_WEBHOOK_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).default(10_000),
  /** Backoff between attempts: doubling from the base, capped, each delay jittered between half and all of it. */
  LGSP_WEBHOOK_RETRY_BASE_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(1).default(1_000),
  LGSP_WEBHOOK_RETRY_MAX_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(1).default(60_000),
  /** Deliveries in flight per subscription; one subject's events still go one at a time, in order. */
  LGSP_WEBHOOK_CONCURRENCY: z.coerce.number({ error: 'expected a whole number of deliveries' }).int().min(1).max(256).default(8),
  /** How often the dispatcher re-reads the subscriptions (changes wake it at once) and a standby tries the lock. */
  LGSP_WEBHOOK_RELOAD_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).default(10_000),

  // The trust boundary (docs/security.md): what API callers, connections and uploads may reach on this host.
  /** Internal hosts, addresses and CIDRs outbound HTTP may reach anyway, comma-separated (e.g. 10.20.0.0/16,lgsp.tinh.gov.vn). */
  LGSP_EGRESS_ALLOW: z.string().default(''),
  /** Connections may reference environment variables with this prefix only. */
  LGSP_SECRET_ENV_PREFIX: z.string().regex(/^[A-Z][A-Z0-9_]*_$/, 'expected upper-case letters, digits and "_", ending in "_", e.g. LGSP_SECRET_').default('LGSP_SECRET_'),
  /** ...and files directly inside this folder (a bare file name); relative paths are taken from the project root. */
  LGSP_SECRETS_DIR: z.string().min(1, 'expected a folder path').default('/run/secrets/lgsp'),
  /** Spreadsheet connections' inboxes are folders under this root; relative paths are taken from the project root. */
  LGSP_INBOX_ROOT: z.string().min(1, 'expected a folder path').default('data/inbox'),
  /** Workbook limits, checked on the zip directory before anything is inflated. */
  LGSP_WORKBOOK_MAX_BYTES: z.coerce.number({ error: 'expected a whole number of bytes' }).int().min(1024).default(10 * 1024 * 1024),
  LGSP_WORKBOOK_MAX_UNCOMPRESSED_BYTES: z.coerce.number({ error: 'expected a whole number of bytes' }).int().min(1024).default(40 * 1024 * 1024),
  LGSP_WORKBOOK_MAX_ENTRIES: z.coerce.number({ error: 'expected a whole number of zip entries' }).int().min(1).default(1_000),
  LGSP_WORKBOOK_MAX_RATIO: z.coerce.number({ error: 'expected a compression ratio such as 100' }).positive().default(200),
});

/** A path from the configuration: absolute as given, relative from the project root. */
const fromProjectRoot = (path: string): string => (isAbsolute(path) ? path : resolve(projectRoot, path));

/** Limits an uploaded workbook (a zip) must keep within. */
export interface WorkbookLimits {
  readonly maxBytes: number;
  readonly maxUncompressedBytes: number;
  readonly maxEntries: number;
  /** Uncompressed bytes per compressed byte, per entry. */
  readonly maxCompressionRatio: number;
}

/** What the host operator publishes to connections and uploads; everything else is out of their reach. */
export interface BoundaryConfig {
  /** Entries of LGSP_EGRESS_ALLOW: host names, addresses or CIDRs that outbound HTTP may reach although internal. */
  readonly egressAllow: readonly string[];
  readonly secretEnvPrefix: string;
  /** Absolute. */
  readonly secretsDir: string;
  /** Absolute. */
  readonly inboxRoot: string;
  readonly workbook: WorkbookLimits;
}

export interface AppConfig {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly logFormat: LogFormat;
  readonly adminUnitsDir: string;
  readonly connectorModules: readonly string[];
  /** Redis connection and key prefix of the queues. */
  readonly queue: { readonly redisUrl: string; readonly prefix: string; readonly retry: SyncRetryPolicy };
  readonly worker: {
    readonly concurrency: number; readonly lockDurationMs: number; readonly stalledIntervalMs: number;
    readonly reconcileIntervalMs: number; readonly heartbeatMs: number;
  };
  readonly events: { readonly stream: string; readonly streamMaxLength: number; readonly source: string; readonly pollMs: number; readonly retentionHours: number };
  readonly api: {
    readonly host: string; readonly port: number; readonly rateLimitPerMinute: number;
    /** Proxy addresses/CIDRs whose X-Forwarded-For is believed; empty: the socket's address is the client. */
    readonly trustProxy: readonly string[];
    readonly requestTimeoutMs: number;
    readonly authFailureLimit: number;
    readonly authFailureWindowMs: number;
    /** 0: no Strict-Transport-Security header. */
    readonly hstsMaxAgeSeconds: number;
    /** Where clients reach the API (the OpenAPI document's `servers`), without a trailing slash. */
    readonly publicUrl: string;
  };
  readonly boundary: BoundaryConfig;
  /** 0: processes never give up on an unreachable PostgreSQL or Redis. */
  readonly outageGiveUpMs: number;
  readonly webhooks: { readonly maxAttempts: number; readonly timeoutMs: number; readonly retryBaseMs: number; readonly retryMaxMs: number; readonly reloadMs: number; readonly concurrency: number };
}

/** Validates the environment; a bad value throws a ConfigError naming the variable and what is expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set", as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration. Fix these environment variables and start again:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    adminUnitsDir: fromProjectRoot(e.LGSP_ADMIN_UNITS_DIR),
    queue: { redisUrl: e.REDIS_URL, prefix: e.LGSP_QUEUE_PREFIX, retry: { attempts: e.LGSP_SYNC_ATTEMPTS, backoffMs: e.LGSP_SYNC_BACKOFF_MS } },
    connectorModules: e.LGSP_CONNECTOR_MODULES.split(',').map((m) => m.trim()).filter((m) => m !== ''),
    worker: {
      concurrency: e.LGSP_SYNC_CONCURRENCY, lockDurationMs: e.LGSP_JOB_LOCK_MS, stalledIntervalMs: e.LGSP_STALLED_INTERVAL_MS,
      reconcileIntervalMs: e.LGSP_RECONCILE_INTERVAL_MS, heartbeatMs: e.LGSP_WORKER_HEARTBEAT_MS,
    },
    events: { stream: e.LGSP_EVENTS_STREAM, streamMaxLength: e.LGSP_EVENTS_STREAM_MAXLEN, source: e.LGSP_EVENT_SOURCE, pollMs: e.LGSP_OUTBOX_POLL_MS, retentionHours: e.LGSP_OUTBOX_RETENTION_HOURS },
    api: {
      host: e.LGSP_API_HOST, port: e.LGSP_API_PORT, rateLimitPerMinute: e.LGSP_API_RATE_LIMIT,
      trustProxy: e.LGSP_API_TRUST_PROXY, requestTimeoutMs: e.LGSP_API_REQUEST_TIMEOUT_MS,
      authFailureLimit: e.LGSP_API_AUTH_FAILURE_LIMIT, authFailureWindowMs: e.LGSP_API_AUTH_FAILURE_WINDOW_S * 1000,
      hstsMaxAgeSeconds: e.LGSP_API_HSTS_MAX_AGE_S,
      publicUrl: (e.LGSP_API_PUBLIC_URL ?? `http://${e.LGSP_API_HOST === '0.0.0.0' ? '127.0.0.1' : e.LGSP_API_HOST}:${e.LGSP_API_PORT}`).replace(/\/+$/, ''),
    },
    boundary: {
      egressAllow: e.LGSP_EGRESS_ALLOW.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
      secretEnvPrefix: e.LGSP_SECRET_ENV_PREFIX,
      secretsDir: fromProjectRoot(e.LGSP_SECRETS_DIR),
      inboxRoot: fromProjectRoot(e.LGSP_INBOX_ROOT),
      workbook: {
        maxBytes: e.LGSP_WORKBOOK_MAX_BYTES, maxUncompressedBytes: e.LGSP_WORKBOOK_MAX_UNCOMPRESSED_BYTES,
        maxEntries: e.LGSP_WORKBOOK_MAX_ENTRIES, maxCompressionRatio: e.LGSP_WORKBOOK_MAX_RATIO,
      },
    },
    outageGiveUpMs: e.LGSP_OUTAGE_GIVE_UP_S * 1000,
    webhooks: {
      maxAttempts: e.LGSP_WEBHOOK_MAX_ATTEMPTS, timeoutMs: e.LGSP_WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.LGSP_WEBHOOK_RETRY_BASE_MS, retryMaxMs: Math.max(e.LGSP_WEBHOOK_RETRY_MAX_MS, e.LGSP_WEBHOOK_RETRY_BASE_MS), reloadMs: e.LGSP_WEBHOOK_RELOAD_MS,
      concurrency: e.LGSP_WEBHOOK_CONCURRENCY,
    },
  };
}
