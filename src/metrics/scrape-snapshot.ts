/**
 * A reading shared by the metrics of one scrape: the registry collects every metric at once, so the first
 * metric to ask starts the query and the others of the same scrape wait for the same result; the next scrape
 * reads afresh.
 */
export function scrapeSnapshot<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    if (inFlight === null) {
      const reading = read();
      inFlight = reading;
      const forget = () => { if (inFlight === reading) inFlight = null; };
      reading.then(forget, forget);
    }
    return inFlight;
  };
}
