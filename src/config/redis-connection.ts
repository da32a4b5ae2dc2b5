import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where Redis is: a plain URL (`redis://`, `rediss://`, handed to ioredis as is) or a Sentinel URL naming the
 * sentinels and the master group, `redis+sentinel://[user:password@]host1:26379,host2:26379/mymaster[/db]`
 * (`?sentinelPassword=` when the sentinels themselves require a password). Every Redis connection of the project
 * is made here, so a Sentinel deployment only changes REDIS_URL.
 */
const sentinelScheme = 'redis+sentinel:';
export const sentinelUrlExample = 'redis+sentinel://host1:26379,host2:26379/mymaster';
const defaultSentinelPort = 26379;
const sentinelQueryParameters = new Set(['sentinelPassword', 'sentinelUsername']);

/** The ioredis options of a Sentinel URL. */
export interface SentinelOptions {
  readonly sentinels: { host: string; port: number }[];
  /** The master group's name, as in the sentinels' `sentinel monitor <name> ...`. */
  readonly name: string;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly sentinelUsername?: string;
  readonly sentinelPassword?: string;
}

export const isSentinelUrl = (url: string): boolean => url.toLowerCase().startsWith(`${sentinelScheme}//`);

const sentinelPattern = /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#@]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/i;

/** One `host[:port]` or `[v6]:port` of the sentinel list. */
function sentinelAddress(entry: string): { host: string; port: number } {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(entry.trim());
  if (!match?.[1]) throw new Error(`"${entry}" is not a host[:port]`);
  const port = match[2] === undefined ? defaultSentinelPort : Number(match[2]);
  if (port < 1 || port > 65535) throw new Error(`"${entry}" has a port outside 1..65535`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** Parses a Sentinel URL; throws an Error saying what is wrong (the config schema turns it into its message). */
export function parseSentinelUrl(url: string): SentinelOptions {
  const match = sentinelPattern.exec(url);
  if (!match?.[3] || !match[4]) throw new Error(`expected ${sentinelUrlExample}[/db]`);
  const [, user, password, hosts, name, db, query] = match;
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys()) {
    if (!sentinelQueryParameters.has(key)) throw new Error(`unknown parameter "${key}" (only sentinelUsername, sentinelPassword)`);
  }
  const decoded = (part: string | undefined) => (part === undefined || part === '' ? undefined : decodeURIComponent(part));
  return {
    sentinels: hosts.split(',').map(sentinelAddress),
    name: decodeURIComponent(name),
    db: db === undefined ? 0 : Number(db),
    ...optional('username', decoded(user)),
    ...optional('password', decoded(password)),
    ...optional('sentinelUsername', params.get('sentinelUsername') ?? undefined),
    ...optional('sentinelPassword', params.get('sentinelPassword') ?? undefined),
  };
}

/** `{key: value}` when the value is given, `{}` otherwise (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** ioredis's options but its reply mapping, which this project leaves at the default. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;

/** A Redis connection to the URL's server (or the Sentinel group's current master), with the given options. */
export function createRedis(url: string, options: RedisClientOptions = {}): Redis {
  return isSentinelUrl(url) ? new Redis({ ...parseSentinelUrl(url), ...options }) : new Redis(url, options);
}

/** The logical database number the URL selects (`/2`), 0 by default. */
export function redisDatabase(url: string): number {
  if (isSentinelUrl(url)) return parseSentinelUrl(url).db;
  const path = new URL(url).pathname.replace(/^\//, '');
  return /^\d+$/.test(path) ? Number(path) : 0;
}
