/** The paging envelope both endpoints answer with. */
export interface Envelope<T> {
  content: T[];
  page: number;
  size: number;
  totalElements: number;
  totalPages: number;
}

export type PagingParams = { page: number; size: number } | { error: string };

/** `page` (from 0) and `size` (1-500, default 100) from the query, or what is wrong with them. */
export function pagingParams(query: URLSearchParams, defaultSize: number): PagingParams {
  const page = Number(query.get('page') ?? '0');
  const size = Number(query.get('size') ?? String(defaultSize));
  if (!Number.isInteger(page) || page < 0) return { error: `page must be an integer >= 0, got ${query.get('page') ?? ''}` };
  if (!Number.isInteger(size) || size < 1 || size > 500) return { error: `size must be an integer from 1 to 500, got ${query.get('size') ?? ''}` };
  return { page, size };
}

export function pageOf<T>(items: readonly T[], page: number, size: number): Envelope<T> {
  return { content: items.slice(page * size, (page + 1) * size), page, size, totalElements: items.length, totalPages: Math.ceil(items.length / size) };
}
