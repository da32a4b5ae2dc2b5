import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

export interface LogCapture {
  readonly logger: Logger;
  /** Everything logged so far, as JSON lines. */
  text(): string;
  /** The log lines parsed. */
  lines(): Record<string, unknown>[];
}

/** A real pino logger (with the project's redaction) writing into memory. */
export function captureLogs(level = 'debug'): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    logger: createLogger(level, { destination: stream }),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
