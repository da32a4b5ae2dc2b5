import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDrills } from '../drills/all-drills.js';
import { shortSize } from '../drills/drill-size.js';
import { startDrillServices, type DrillServices } from '../drills/drill-services.js';
import { baselineDrill, runDrill } from '../drills/run-drill.js';
import { verdictLine } from '../drills/verdict.js';
import type { WarehouseFingerprint } from '../drills/warehouse-fingerprint.js';

// The short variant of every fault drill (`npm run drills` runs them full size and writes docs/reliability.md):
// private PostgreSQL and Redis, the real worker and relay processes, a few thousand records.
describe('fault drills (short)', () => {
  let services: DrillServices;
  let baseline: WarehouseFingerprint;

  beforeAll(async () => {
    services = await startDrillServices(shortSize);
    const { verdict, fingerprint, runSucceeded } = await runDrill(services, baselineDrill, null);
    console.log(verdictLine(verdict));
    if (!runSucceeded || !fingerprint) throw new Error(`the undisturbed run failed: ${verdictLine(verdict)}`);
    baseline = fingerprint;
  }, 180_000);
  afterAll(async () => { await services.close(); });

  for (const drill of allDrills) {
    it(`${drill.id}: ${drill.fault}`, async () => {
      const { verdict } = await runDrill(services, drill, baseline);
      console.log(verdictLine(verdict));
      expect(verdict.failures).toEqual([]);
    }, 300_000);
  }
});
