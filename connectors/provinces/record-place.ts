/**
 * Where a record's figures go, as far as a connector can tell before the engine resolves its unit: the current
 * province it rolls up to (legacy provinces and communes included), no province at all (a national figure, a
 * foreign-only patent application), or unknown (no unit the connector can read: the engine resolves or rejects it).
 */
export type RecordPlace =
  | { readonly kind: 'province'; readonly code: string }
  | { readonly kind: 'nowhere' }
  | { readonly kind: 'unknown' };

export const inProvince = (code: string): RecordPlace => ({ kind: 'province', code });
export const nowhere: RecordPlace = { kind: 'nowhere' };
export const unknownPlace: RecordPlace = { kind: 'unknown' };
