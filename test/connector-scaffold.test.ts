import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { scaffoldConnector } from '../src/connector-sdk/scaffold/new-connector.js';
import type { ConnectorDefinition } from '../src/connector-sdk/types.js';
import { createLogger } from '../src/logger.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { createTestDatabase } from './support/test-database.js';
import { loadProvinceReference, provinceValue } from './support/warehouse-fixtures.js';
import { testBoundary } from './support/boundary.js';

const id = `scaffold-check-${process.pid}`;
const dir = join(projectRoot, 'connectors', id);

describe('lgsp connector new', () => {
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('scaffolds a connector that syncs its own emulator through the real engine as generated', async () => {
    const files = await scaffoldConnector(join(projectRoot, 'connectors'), id);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['README.md', 'emulator/server.ts', 'index.ts', `${id}.test.ts`]);
    await expect(scaffoldConnector(join(projectRoot, 'connectors'), id)).rejects.toMatchObject({ code: 'CONNECTOR_EXISTS' });
    await expect(scaffoldConnector(join(projectRoot, 'connectors'), 'Bad_Id')).rejects.toMatchObject({ code: 'CONNECTOR_ID_INVALID' });

    const connector = ((await import(join(dir, 'index.ts'))) as { default: ConnectorDefinition }).default;
    const emulatorModule = (await import(join(dir, 'emulator', 'server.ts'))) as Record<string, new () => { start(): Promise<string>; stop(): Promise<void> }>;
    const Emulator = Object.values(emulatorModule)[0];
    if (!Emulator) throw new Error('the scaffold has no emulator class');
    const emulator = new Emulator();
    const t = await createTestDatabase();
    try {
      await loadProvinceReference(t.db);
      await insertConnection(t.db, { id, connectorId: connector.id, name: id, config: { baseUrl: await emulator.start() }, secretRefs: {} });
      const { run } = await createRun(t.db, { connectionId: id, mode: 'incremental' });
      const done = await executeRun({ db: t.db, logger: createLogger('silent'), connectors: new ConnectorRegistry([connector]), boundary: testBoundary() }, run.id, { signal: new AbortController().signal });
      expect(done.status).toBe('succeeded');
      expect(await provinceValue(t.db, 'SMART_CITIES', '91', '2025-08', '2025-08-31')).toBe('2');
    } finally {
      await emulator.stop();
      await t.drop();
    }
  });
});
