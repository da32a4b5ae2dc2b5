/** A Server-Sent Events client for tests: node's fetch, frames parsed as the EventSource spec reads them. */

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
  /** When the frame was parsed (performance.now()). */
  readonly receivedAt: number;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: Headers;
  /** Every message so far, in order. */
  readonly messages: SseMessage[];
  /** Every comment line so far (without the colon). */
  readonly comments: string[];
  /** Fields outside messages, such as `retry`. */
  readonly fields: Record<string, string>;
  /** Resolves with the first `count` messages once they arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves once a comment satisfying `test` arrived. */
  waitForComment(test: (comment: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const fields: Record<string, string> = {};
  const waiters = new Set<() => void>();
  const notify = () => { for (const w of [...waiters]) w(); };

  let buffer = '';
  const parseBlock = (block: string) => {
    let id: string | undefined;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '') continue;
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === 'id') id = value;
      else if (name === 'event') event = value;
      else if (name === 'data') data.push(value);
      else fields[name] = value;
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n'), receivedAt: performance.now() });
  };

  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        notify();
      }
    } catch {
      // Aborted by close().
    } finally {
      notify();
    }
  })();
  let done = false;
  void ended.then(() => { done = true; notify(); });

  const waitFor = (ready: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (ready()) {
        resolve();
        return;
      }
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${messages.length} messages${done ? ', stream ended' : ''})`)); }, timeoutMs);
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });

  return {
    status: response.status,
    headers: response.headers,
    messages,
    comments,
    fields,
    async waitForMessages(count, timeoutMs = 5_000) {
      await waitFor(() => messages.length >= count, timeoutMs, `${count} messages`);
      return messages.slice(0, count);
    },
    waitForComment: (test, timeoutMs = 5_000) => waitFor(() => comments.some(test), timeoutMs, 'a comment'),
    ended,
    close: () => { abort.abort(); },
  };
}
