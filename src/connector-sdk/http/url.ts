import type { QueryParams } from './types.js';

/**
 * `path` under `base`, keeping the base's own path prefix (`https://gw/dvc` + `/api/x` → `https://gw/dvc/api/x`),
 * or `path` itself when it is an absolute http(s) URL. A query in `path` is kept; `params` are appended.
 */
export function resolveUrl(base: URL, path: string, params?: QueryParams): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${base.href.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  if (params !== undefined) {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
  }
  return url;
}
