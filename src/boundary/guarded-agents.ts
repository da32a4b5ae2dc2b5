import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIP, Socket, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { EgressRefusedError, type EgressRefusal } from './egress-error.js';

/** The http and https agents every outbound request of the policy goes through. */
export interface GuardedAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

interface Guard {
  readonly lookup: LookupFunction;
  readonly checkLiteral: (address: string) => EgressRefusal | null;
}

type Created = (err: Error | null, stream: Duplex) => void;

/**
 * Why a connection must not be created: a unix socket, or an IP literal host (net connects to literals without
 * calling `lookup`, so they are checked here). Host names are left to `lookup`.
 */
function refusalOf(options: ClientRequestArgs, guard: Guard): EgressRefusedError | null {
  if (options.socketPath !== undefined) return new EgressRefusedError({ rule: 'url', host: options.socketPath, reason: 'unix sockets are not reachable' });
  const host = (options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
  const refusal = isIP(host) !== 0 ? guard.checkLiteral(host) : null;
  return refusal === null ? null : new EgressRefusedError(refusal);
}

/**
 * Hands the agent the refusal instead of a socket: Node then fails the request with it, before connecting. The
 * unconnected Socket only fills the callback's signature (it is dropped unused).
 */
function refused(error: EgressRefusedError, callback: Created | undefined): null {
  if (callback === undefined) throw error;
  callback(error, new Socket());
  return null;
}

class GuardedHttpAgent extends HttpAgent {
  constructor(private readonly guard: Guard) {
    // As Node's global agent (keep-alive, 5 s idle), with the policy's lookup for every connection.
    super({ keepAlive: true, timeout: 5_000, scheduling: 'lifo', lookup: guard.lookup });
  }

  override createConnection(options: ClientRequestArgs, callback?: Created): Duplex | null | undefined {
    const error = refusalOf(options, this.guard);
    return error === null ? super.createConnection(options, callback) : refused(error, callback);
  }
}

class GuardedHttpsAgent extends HttpsAgent {
  constructor(private readonly guard: Guard) {
    super({ keepAlive: true, timeout: 5_000, scheduling: 'lifo', lookup: guard.lookup });
  }

  override createConnection(options: HttpsRequestOptions, callback?: Created): Duplex | null | undefined {
    const error = refusalOf(options, this.guard);
    return error === null ? super.createConnection(options, callback) : refused(error, callback);
  }
}

export function guardedAgents(guard: Guard): GuardedAgents {
  return { http: new GuardedHttpAgent(guard), https: new GuardedHttpsAgent(guard) };
}
