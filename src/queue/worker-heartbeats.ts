import { hostname } from 'node:os';
import { z } from 'zod';
import type { SyncQueue } from './sync-queue.js';

/** A sync worker as its last heartbeat described it. */
export interface WorkerHeartbeat {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** The runs it is executing now, oldest first. */
  readonly runs: readonly number[];
  readonly beatAt: string;
  /** After this the worker counts as gone (it missed about three heartbeats). */
  readonly expiresAt: string;
}

const heartbeatSchema = z.object({
  id: z.string(), host: z.string(), pid: z.number().int(), startedAt: z.string(), runs: z.array(z.number().int()), beatAt: z.string(), expiresAt: z.string(),
});

/** How many heartbeats a live worker may miss before it counts as gone. */
const missedBeats = 3;

/**
 * The heartbeats live in one Redis hash beside the queue's keys (worker id → heartbeat): the queue's own client
 * reads and writes it, and a worker killed without a goodbye drops out when its `expiresAt` passes.
 */
const heartbeatsKey = (queue: SyncQueue): string => queue.toKey('lgsp-heartbeats');

export interface HeartbeatWriter {
  readonly workerId: string;
  /** Writes the heartbeat now (also on every change of runs), with the runs it executes. */
  beat(runs: readonly number[]): Promise<void>;
  /** Removes the heartbeat: the worker stopped. */
  remove(): Promise<void>;
}

/** Workers created in this process so far: a second one (tests, the demo) gets an id of its own. */
let workersInProcess = 0;

export function heartbeatWriter(queue: SyncQueue, intervalMs: number, now: () => Date = () => new Date()): HeartbeatWriter {
  const host = hostname();
  const nth = ++workersInProcess;
  const workerId = `${host}:${process.pid}${nth === 1 ? '' : `/${nth}`}`;
  const startedAt = now().toISOString();
  return {
    workerId,
    async beat(runs) {
      const at = now();
      const heartbeat: WorkerHeartbeat = {
        id: workerId, host, pid: process.pid, startedAt, runs: [...runs].sort((a, b) => a - b),
        beatAt: at.toISOString(), expiresAt: new Date(at.getTime() + missedBeats * intervalMs).toISOString(),
      };
      const client = await queue.getBackend().client;
      await client.hset(heartbeatsKey(queue), { [workerId]: JSON.stringify(heartbeat) });
    },
    async remove() {
      const client = await queue.getBackend().client;
      await client.hdel(heartbeatsKey(queue), workerId);
    },
  };
}

/** The live workers, by id; heartbeats that expired are dropped from the hash on the way. */
export async function liveWorkers(queue: SyncQueue, now: Date = new Date()): Promise<WorkerHeartbeat[]> {
  const client = await queue.getBackend().client;
  const all = await client.hgetall(heartbeatsKey(queue));
  const live: WorkerHeartbeat[] = [];
  const gone: string[] = [];
  for (const [id, text] of Object.entries(all)) {
    const parsed = heartbeatSchema.safeParse(parseJson(text));
    if (parsed.success && new Date(parsed.data.expiresAt) > now) live.push(parsed.data);
    else gone.push(id);
  }
  if (gone.length > 0) await client.hdel(heartbeatsKey(queue), ...gone);
  return live.sort((a, b) => a.id.localeCompare(b.id));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
