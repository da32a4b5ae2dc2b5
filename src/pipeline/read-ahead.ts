/**
 * Iterates `source`, already fetching (and preparing) the next item while the consumer works on the current one:
 * a page's download, parsing and hashing overlap the database writes of the page before, so the two cores
 * (Node and PostgreSQL) work at once instead of taking turns.
 *
 * At most one item is held ahead. When the consumer stops early (an error, a shutdown) the item fetched ahead is
 * dropped, which is safe: nothing of it was written, and the cursor still points before it.
 */
export async function* readAhead<T, U>(source: AsyncIterable<T>, prepare: (item: T) => U): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const pull = (): Promise<IteratorResult<U, undefined>> =>
    iterator.next().then((r) => (r.done === true ? { done: true, value: undefined } : { done: false, value: prepare(r.value) }));
  let ahead = pull();
  // Until the consumer awaits it, a failure of the read ahead must not count as an unhandled rejection.
  ahead.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      const current = await ahead;
      if (current.done === true) {
        finished = true;
        return;
      }
      ahead = pull();
      ahead.catch(() => undefined);
      yield current.value;
    }
  } finally {
    // Stopped early: let the source close (its `finally` blocks run) once the read ahead settles.
    if (!finished) await iterator.return?.().catch(() => undefined);
  }
}
