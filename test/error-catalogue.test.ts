import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../src/connector-sdk/http/redaction.js';
import { authFailedError, rejectedError, requestLabel, responseInvalidError, unavailableError, abortedError } from '../src/connector-sdk/http/errors.js';
import { errorAnchor, errorCatalogue, isErrorCode, type ErrorCode } from '../src/errors.js';
import { ExitCode } from '../src/errors/exit-codes.js';
import { renderErrorsDoc } from '../src/errors/errors-doc.js';
import { rejectionReasons } from '../src/errors/rejection-reasons.js';

const readRepoFile = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');
const codes = Object.keys(errorCatalogue) as ErrorCode[];

/** The anchors GitHub makes for the headings of a Markdown file, plus explicit `<a id>`s. */
function anchorsOf(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => (m[1] ?? '').toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-'));
  const explicit = [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1] ?? '');
  return new Set([...headings, ...explicit]);
}

describe('the error catalogue', () => {
  it('gives every code an HTTP status, an exit code, an action and an anchor that docs/errors.md has', async () => {
    const anchors = anchorsOf(await readRepoFile('docs/errors.md'));
    const errorExits: readonly number[] = [ExitCode.failure, ExitCode.usage, ExitCode.unavailable, ExitCode.config];
    for (const code of codes) {
      const entry = errorCatalogue[code];
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect({ code, status: entry.status >= 400 && entry.status <= 599 }).toEqual({ code, status: true });
      expect({ code, exit: errorExits.includes(entry.exit) }).toEqual({ code, exit: true });
      expect(entry.action, code).toMatch(/^[A-Z`"].{10,}\.$/);
      const [file, anchor] = errorAnchor(code).split('#');
      expect(file).toBe('docs/errors.md');
      expect({ code, documented: anchors.has(anchor ?? '') }).toEqual({ code, documented: true });
    }
    for (const code of Object.keys(rejectionReasons)) expect({ code, documented: anchors.has(`rejected-${code.toLowerCase()}`) }).toEqual({ code, documented: true });
  });

  it('docs/errors.md is what `npm run docs:errors` writes (CI fails on drift: run it and commit the file)', async () => {
    expect(await readRepoFile('docs/errors.md')).toBe(renderErrorsDoc());
  });

  it('invalid input exits 2 and answers 4xx; an unreachable service exits 69; bad configuration exits 78', () => {
    for (const code of ['PERIOD_INVALID', 'CONNECTOR_ID_INVALID', 'WORKBOOK_UNREADABLE', 'VALIDATION_FAILED', 'CONNECTION_CONFIG_INVALID'] as const) {
      expect({ code, exit: errorCatalogue[code].exit, status: errorCatalogue[code].status }).toEqual({ code, exit: ExitCode.usage, status: 400 });
    }
    expect(errorCatalogue.SERVICE_UNAVAILABLE).toMatchObject({ exit: ExitCode.unavailable, status: 503, permanent: false });
    expect(errorCatalogue.CONFIG_INVALID).toMatchObject({ exit: ExitCode.config, permanent: true });
    expect(isErrorCode('NOT_A_CATALOGUE_CODE')).toBe(false);
  });

  it("says of each source error what the HTTP client's own errors say: permanent or not", () => {
    const label = requestLabel('c1', 'GET', new URL('https://source.example/api'), new Redactor());
    const made = [
      unavailableError(label, 3, 'HTTP 503', undefined),
      authFailedError(label, 'credentials refused', 'Renew them.'),
      rejectedError(label, 400, '', 'Fix it.'),
      responseInvalidError(label, 'not JSON', 'Ask.'),
      abortedError(label, undefined),
    ];
    for (const error of made) expect({ code: error.code, permanent: errorCatalogue[error.code].permanent }).toEqual({ code: error.code, permanent: error.permanent });
  });

  it('the README and the help of `lgsp upload` agree with the exit codes', async () => {
    const readme = await readRepoFile('README.md');
    expect(readme).toMatch(/Exit codes: 0 done; 1 failed .*; 2 bad usage or invalid input .*; 3 done,\s+but some input rows were rejected .*; 69 PostgreSQL or Redis\s+unreachable; 78 invalid configuration;\s+130 interrupted/s);
    expect(readme).toContain('(docs/errors.md)');
    const commandIndex = await readRepoFile('src/cli/command-index.ts');
    expect(commandIndex).toMatch(/upload.*exit 0 all rows loaded, 3 some rejected, 1 failed, 2 bad file/);
  });
});
