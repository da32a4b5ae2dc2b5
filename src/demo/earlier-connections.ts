import { removeConnection } from '../warehouse/connection-removal.js';
import { findConnection } from '../warehouse/connections.js';
import type { Db } from '../warehouse/database.js';

/** The ids under which earlier versions of the demo connected each source once, for both provinces together. */
const singleConnectionIds = ['demo-dvc-portal', 'demo-payment-stats', 'demo-patent-registry', 'demo-gso-pxweb', 'demo-spreadsheet'] as const;

/**
 * Removes the connections an earlier demo made in this warehouse, one per source for both provinces: left in
 * place, their contributions would add up with the per-province connections' and count every figure twice. Their
 * observations stay (detached from the connection); the per-province connections' own contributions replace
 * them, with the same values. Returns the ids removed.
 */
export async function retireEarlierDemoConnections(db: Db): Promise<string[]> {
  const removed: string[] = [];
  for (const id of singleConnectionIds) {
    if (!(await findConnection(db, id))) continue;
    await removeConnection(db, id, { force: true });
    removed.push(id);
  }
  return removed;
}
