import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log line. */
export const redactedPaths = [
  'password',
  'secret',
  'token',
  'apiKey',
  'authorization',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'config.headers.Authorization',
];

/** Strips the password out of a connection URL before it is logged or shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not a WHATWG URL (a Sentinel URL lists several hosts): hide what stands between "user:" and "@".
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@') : '<unparseable url>';
  }
}

/**
 * Logs go to stderr so a command's stdout stays its result. JSON lines for machines; readable lines when a
 * person watches the terminal.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { app: 'lgsp-connect' } };
  if (destination) return pino(options, destination);
  if (process.stderr.isTTY) return pino(options, PinoPretty({ destination: 2, sync: true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss' }));
  return pino(options, pino.destination(2));
}
