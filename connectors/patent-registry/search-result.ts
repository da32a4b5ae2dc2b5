import { XMLParser } from 'fast-xml-parser';
import { SourceError } from '../../src/errors.js';
import type { Json } from '../../src/connector-sdk/types.js';
import { children, isObject, text, toJson } from './json-node.js';

/** One page of `GET /api/v1/applications`, as the contract defines it (namespace urn:vn:ipvietnam:publish:1). */
export interface SearchResultPage {
  /** `total` attribute: matches of the whole query, not of this page; undefined if absent or not a number. */
  readonly total: number | undefined;
  /** Absent on the last page. */
  readonly nextCursor: string | undefined;
  /** Each `<Application>` element as parsed, unknown children and attributes (`@_name`) kept. */
  readonly applications: readonly Json[];
}

/** Elements that may occur once or several times: always lists, so one and many read alike. */
const repeated = new Set(['Application', 'Applicant', 'IPC']);

const parser = new XMLParser({
  // `<ip:Application>` and `<Application xmlns="…">` read alike: the contract fixes one namespace.
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Everything stays text: "1-2024-01234", "0045678" and dates must not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, _jpath, _isLeaf, isAttribute) => !isAttribute && repeated.has(name),
});

const closedRoot = /<\/(?:[\w.-]+:)?SearchResult\s*>\s*$/;
const emptyRoot = /<(?:[\w.-]+:)?SearchResult\b[^>]*\/>\s*$/;

function invalid(what: string): SourceError {
  return new SourceError('SOURCE_RESPONSE_INVALID', `patent-registry: the applications response is not a SearchResult: ${what}`, { permanent: true });
}

/** Parses one page; throws SOURCE_RESPONSE_INVALID when the body is not a `<SearchResult>` document. */
export function parseSearchResult(xml: string): SearchResultPage {
  const body = xml.replace(/^\uFEFF/, '');
  // The parser forgives unclosed elements: a document cut short must not pass for a shorter page.
  if (!closedRoot.test(body) && !emptyRoot.test(body)) throw invalid('the document does not end with </SearchResult> (cut short?)');
  let doc: Json;
  try {
    doc = toJson(parser.parse(body));
  } catch (error) {
    throw invalid(`malformed XML (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  if (!isObject(doc) || !('SearchResult' in doc)) throw invalid(`root element is ${isObject(doc) ? Object.keys(doc).filter((k) => !k.startsWith('?')).join(', ') || 'missing' : 'missing'}`);
  const root = doc.SearchResult;
  // `<SearchResult total="0"/>` parses to its attributes only, or to '' without any.
  const element: Json = isObject(root) ? root : {};
  const total = text(isObject(element) ? element['@_total'] : undefined);
  const parsedTotal = total !== undefined && /^\d+$/.test(total) ? Number(total) : undefined;
  return {
    total: parsedTotal,
    nextCursor: text(isObject(element) ? element['@_nextCursor'] : undefined),
    applications: children(element, 'Application'),
  };
}
