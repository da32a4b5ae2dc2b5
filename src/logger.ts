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

/** `auto`: readable lines when stderr is a terminal, JSON lines otherwise. */
export const logFormats = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

export interface LoggerOptions {
  readonly format?: LogFormat;
  /** Where the lines go instead of stderr (always JSON): tests, files. */
  readonly destination?: pino.DestinationStream;
}

/** Whether a person reads the log: `pretty`, or `auto` on a terminal. */
export function readsAsText(format: LogFormat = 'auto'): boolean {
  return format === 'pretty' || (format === 'auto' && process.stderr.isTTY);
}

const baseOptions = { redact: { paths: redactedPaths, censor: '[redacted]' }, base: { app: 'lgsp-connect' } };

function prettyStream(): pino.DestinationStream {
  return PinoPretty({ destination: 2, sync: true, ignore: 'pid,hostname,app', translateTime: 'SYS:HH:MM:ss' });
}

/**
 * Logs go to stderr so a command's stdout stays its result: JSON lines for machines, readable lines when a person
 * watches the terminal (LOG_FORMAT).
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const opts = { ...baseOptions, level };
  if (options.destination) return pino(opts, options.destination);
  return pino(opts, readsAsText(options.format) ? prettyStream() : pino.destination(2));
}

/**
 * The log of a command a person follows (the demo): every line at `level` as JSON to `file`, and on stderr only
 * warnings and errors, so the command's report is not buried in log lines.
 */
export function createReportLogger(level: string, file: string, format: LogFormat = 'auto'): Logger {
  const stderr = readsAsText(format) ? prettyStream() : pino.destination(2);
  const streams = [{ level: 'warn' as const, stream: stderr }];
  if (level === 'silent') return pino({ ...baseOptions, level }, stderr);
  return pino({ ...baseOptions, level }, pino.multistream([...streams, { level: level as pino.Level, stream: pino.destination({ dest: file, mkdir: true, sync: true }) }]));
}

/**
 * A child logger with `bindings`, leaving out keys the parent already binds: pino would write such a key twice in
 * one line, which JSON parsers read differently.
 */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  const bound = logger.bindings();
  return logger.child(Object.fromEntries(Object.entries(bindings).filter(([key]) => !(key in bound))));
}
