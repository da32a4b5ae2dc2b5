import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (port 0: any free one) and returns the base URL. */
export async function listenLocal(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server, open connections included, so a test or the demo can end at once. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What to do when the handler throws: by default the connection is dropped, as a crashing server's would be. */
export type HandlerFailure = (error: unknown, res: ServerResponse) => void;

const dropConnection: HandlerFailure = (_error, res) => {
  res.destroy();
};

/**
 * An emulator's HTTP server on 127.0.0.1, started on a port (0: any free one) and stopped at once. `stopping` is
 * aborted by `stop`, so an answer held back on purpose (a slow-answer fault) ends with the server instead of
 * keeping the process alive.
 */
export class LocalServer {
  private server: Server | undefined;
  private stopped = new AbortController();

  constructor(
    private readonly handle: RequestHandler,
    private readonly onFailure: HandlerFailure = dropConnection,
  ) {}

  get stopping(): AbortSignal {
    return this.stopped.signal;
  }

  /** Returns the base URL. */
  async start(port = 0): Promise<string> {
    this.stopped = new AbortController();
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.onFailure(error, res);
      });
    });
    this.server = server;
    return listenLocal(server, port);
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }
}
