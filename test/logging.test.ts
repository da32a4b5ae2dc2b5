import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('never writes secrets', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', { destination: stream });
    log.info({ connectionId: 'dvc-91', auth: { clientSecret: 's3cr3t', token: 'tok-123' }, headers: { authorization: 'Bearer abc' }, apiKey: 'k-1' }, 'request');
    const text = lines.join('');
    expect(text).toContain('"connectionId":"dvc-91"');
    expect(text).not.toMatch(/s3cr3t|tok-123|Bearer abc|k-1/);
    expect(text).toContain('[redacted]');
  });

  it('hides the password of a connection URL', () => {
    expect(redactUrl('postgres://lgsp:hunter2@db.example:5432/lgsp')).toBe('postgres://lgsp:***@db.example:5432/lgsp');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
