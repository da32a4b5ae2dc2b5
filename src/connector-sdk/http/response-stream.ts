import { Readable, finished } from 'node:stream';
import type { SourceError } from '../../errors.js';
import type { OpenStream } from './transport.js';

export interface StreamFailures {
  /** The connection broke (`cause`) or stalled (`what`, no cause) after `bytes` bytes. */
  broken(bytes: number, what: string, cause: Error | undefined): SourceError;
  /** The caller's signal aborted the download. */
  aborted(reason: unknown): SourceError;
}

/**
 * Hands a response body to the caller as it arrives, with backpressure. Errors of the underlying connection
 * become SourceErrors (`failures`); `stallMs` without a byte while the caller is reading breaks the stream too.
 * Destroying the returned stream closes the connection.
 */
export function guardedStream(open: OpenStream, stallMs: number, failures: StreamFailures): Readable {
  const source = open.body;
  let bytes = 0;
  let stallTimer: NodeJS.Timeout | undefined;
  let done = false;

  const stopStallTimer = (): void => {
    if (stallTimer !== undefined) clearTimeout(stallTimer);
    stallTimer = undefined;
  };
  const armStallTimer = (): void => {
    stopStallTimer();
    if (done) return;
    stallTimer = setTimeout(() => {
      // A caller that does not read (backpressure) is not a stalled source.
      if (source.isPaused()) return;
      fail(failures.broken(bytes, `no data for ${stallMs} ms`, undefined));
    }, stallMs);
  };

  const out = new Readable({
    read() {
      if (source.isPaused()) source.resume();
      armStallTimer();
    },
    destroy(error, callback) {
      done = true;
      stopStallTimer();
      if (!source.destroyed) source.destroy();
      open.release();
      callback(error);
    },
  });

  function fail(error: SourceError): void {
    if (done) return;
    done = true;
    stopStallTimer();
    out.destroy(error);
  }

  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    armStallTimer();
    if (!out.push(chunk)) source.pause();
  });
  finished(source, (error) => {
    if (done) return;
    if (open.signal.aborted) {
      fail(failures.aborted(open.signal.reason));
    } else if (error) {
      fail(failures.broken(bytes, error.message, error));
    } else {
      done = true;
      stopStallTimer();
      open.release();
      out.push(null);
    }
  });
  armStallTimer();
  return out;
}
