import type { EmulatedApplication } from './application.js';

export const publishNamespace = 'urn:vn:ipvietnam:publish:1';

const escapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);

/** `LastModified` as the registry writes it: UTC for some records, Vietnam time (+07:00) for others. */
export function formatLastModified(app: EmulatedApplication): string {
  if (app.id % 2 === 0) return new Date(app.lastModified).toISOString().replace('.000Z', 'Z');
  const local = new Date(app.lastModified + 7 * 3600_000).toISOString().slice(0, 19);
  return `${local}+07:00`;
}

export interface SearchResultXml {
  readonly total: number;
  readonly nextCursor: string | undefined;
  readonly applications: readonly EmulatedApplication[];
  /** Serve with a namespace prefix (`ip:`) instead of the default namespace: both are the same document. */
  readonly prefix?: string | undefined;
}

/** The `<SearchResult>` document of the contract. */
export function searchResultXml(result: SearchResultXml): string {
  const p = result.prefix === undefined || result.prefix === '' ? '' : `${result.prefix}:`;
  const el = (name: string, content: string | undefined, attrs = '') => (content === undefined ? '' : `<${p}${name}${attrs}>${content}</${p}${name}>`);
  const txt = (name: string, value: string | undefined, attrs = '') => el(name, value === undefined ? undefined : escape(value), attrs);
  const application = (a: EmulatedApplication) =>
    el(
      'Application',
      [
        txt('ApplicationNumber', a.number),
        txt('Kind', a.kind),
        txt('FilingDate', a.filingDate),
        txt('Title', a.title, ' lang="vi"'),
        el('Applicants', a.applicants.map((x) => el('Applicant', txt('Name', x.name) + txt('Address', x.address) + txt('Country', x.country))).join('')),
        el('Classifications', a.ipc.map((c) => txt('IPC', c)).join('')),
        txt('Status', a.status),
        a.grant ? el('Grant', txt('Number', a.grant.number) + txt('Date', a.grant.date)) : '',
        // Other implementations' extras are in the same namespace here; a real one might use another.
        p === '' ? (a.extraXml ?? '') : (a.extraXml ?? '').replace(/<(\/?)(?=[A-Z])/g, `<$1${p}`),
        txt('LastModified', formatLastModified(a)),
      ]
        .filter((part) => part !== '')
        .map((part) => `\n    ${part}`)
        .join('') + '\n  ',
    );
  const ns = p === '' ? `xmlns="${publishNamespace}"` : `xmlns:${p.slice(0, -1)}="${publishNamespace}"`;
  const next = result.nextCursor === undefined ? '' : ` nextCursor="${escape(result.nextCursor)}"`;
  const body = result.applications.map((a) => `  ${application(a)}`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${p}SearchResult ${ns} total="${result.total}"${next}>\n${body}\n</${p}SearchResult>\n`;
}

export function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="${publishNamespace}"><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error>\n`;
}
