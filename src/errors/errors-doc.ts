import { errorFamilies, type ErrorEntry, type ErrorFamily } from './catalogue.js';
import { exitCodeMeanings } from './exit-codes.js';
import { rejectionReasons } from './rejection-reasons.js';

const familyTitles: Readonly<Record<ErrorFamily, string>> = {
  input: 'Invalid input (nothing was changed)',
  conflict: 'Not found or in conflict with the current state',
  engine: 'Engine',
  service: 'Configuration and services',
  source: 'Source systems',
  api: 'HTTP API only',
};

function codeSection(code: string, e: ErrorEntry): string[] {
  const retry = e.permanent ? 'permanent: retrying the same request will not help' : 'transient: retrying can help';
  return [`### ${code}`, '', `HTTP ${e.status} · exit ${e.exit} · ${retry}`, '', e.action, ''];
}

/** docs/errors.md, written from the catalogue by `npm run docs:errors`; a test fails when the committed file differs. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/errors/catalogue.ts and src/errors/rejection-reasons.ts by `npm run docs:errors`: edit those, not this file. -->',
    '',
    'Every error the CLI prints (`error [CODE]: …` on stderr) or the API answers (`code` in an `application/problem+json` document)',
    'has a stable code below, with its HTTP status, the exit code of `lgsp`, whether retrying can help, and what to do next.',
    'A sync that fails with a permanent error fails at once; a transient one is retried with backoff.',
    '',
    '## Exit codes',
    '',
    '| exit | meaning |',
    '|---|---|',
    ...Object.entries(exitCodeMeanings).map(([exit, meaning]) => `| ${exit} | ${meaning} |`),
    '',
    'Rows a run rejected (exit 3) are listed with a [rejection reason](#rejection-reasons).',
    '',
  ];
  for (const [family, entries] of Object.entries(errorFamilies) as [ErrorFamily, Record<string, ErrorEntry>][]) {
    lines.push(`## ${familyTitles[family]}`, '');
    for (const [code, e] of Object.entries(entries)) lines.push(...codeSection(code, e));
  }
  lines.push(
    '## Rejection reasons',
    '',
    'The `code` of a rejected record (`lgsp rejected list`, `GET /v1/runs/{id}/rejected`): one input row, not the command. The run',
    'loads the other rows and exits 3. Connectors may add codes of their own.',
    '',
    '| code | meaning | what the steward does |',
    '|---|---|---|',
    ...Object.entries(rejectionReasons).map(([code, r]) => `| <a id="rejected-${code.toLowerCase()}"></a>\`${code}\` | ${r.meaning} | ${r.steward} |`),
    '',
  );
  return lines.join('\n');
}
