/** How big a drill run is: the full run (`npm run drills`) or the short one CI runs inside `npm test`. */
export interface DrillSize {
  /** Source records the synthetic sync reads. */
  readonly records: number;
  readonly pageSize: number;
  /** How long the source answers 5xx in the source-outage drill. */
  readonly sourceOutageSeconds: number;
  /**
   * After a fault is over, how long the run or the stream may make no progress before the drill calls it stuck.
   * 60 s: the bar is "recovered within 60 s of the service being back".
   */
  readonly stallSeconds: number;
}

export const fullSize: DrillSize = { records: 120_000, pageSize: 1000, sourceOutageSeconds: 180, stallSeconds: 60 };

export const shortSize: DrillSize = { records: 2000, pageSize: 100, sourceOutageSeconds: 5, stallSeconds: 60 };
