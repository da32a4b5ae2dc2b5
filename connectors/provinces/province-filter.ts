import type { RecordPlace } from './record-place.js';

/**
 * The provinces a connection covers (config `provinces`: current codes), applied to records after they are fetched
 * and before they are yielded: records of other provinces never reach the engine, so they are not landed, not
 * rejected, and not withdrawn by this connection's complete scopes. Without `provinces`, everything is kept.
 */
export class ProvinceFilter {
  private constructor(private readonly provinces: ReadonlySet<string> | null) {}

  static of(provinces: readonly string[] | undefined): ProvinceFilter {
    return new ProvinceFilter(provinces === undefined ? null : new Set(provinces));
  }

  /** True when the connection covers every province (no `provinces` configured). */
  get coversAll(): boolean {
    return this.provinces === null;
  }

  /**
   * Whether a record placed there is the connection's: one of its provinces, never a figure of no province (two
   * province connections would both load a national row), and a record it cannot place, so that the engine
   * resolves or rejects it rather than it being lost unseen.
   */
  keeps(place: RecordPlace): boolean {
    if (this.provinces === null) return true;
    switch (place.kind) {
      case 'province':
        return this.provinces.has(place.code);
      case 'nowhere':
        return false;
      case 'unknown':
        return true;
    }
  }

  /** The records the connection keeps, in their order. */
  select<R>(records: readonly R[], placeOf: (record: R) => RecordPlace): R[] {
    return this.provinces === null ? [...records] : records.filter((r) => this.keeps(placeOf(r)));
  }
}
