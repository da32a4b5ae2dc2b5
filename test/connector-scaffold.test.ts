import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { scaffoldConnector } from '../src/connector-sdk/scaffold/new-connector.js';
import type { ConnectorDefinition } from '../src/connector-sdk/types.js';

/**
 * A project of its own for the scaffold to write into: the real src/, test/ and connector folders linked in, and
 * a copy of connectors/index.ts, so registering the new connector never touches the checkout other tests import.
 */
function scratchProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'lgsp-scaffold-'));
  for (const name of ['src', 'test', 'config', 'node_modules', 'package.json', 'tsconfig.json']) symlinkSync(join(projectRoot, name), join(root, name));
  mkdirSync(join(root, 'connectors'));
  for (const entry of readdirSync(join(projectRoot, 'connectors'), { withFileTypes: true })) {
    if (entry.isDirectory()) symlinkSync(join(projectRoot, 'connectors', entry.name), join(root, 'connectors', entry.name));
  }
  cpSync(join(projectRoot, 'connectors', 'index.ts'), join(root, 'connectors', 'index.ts'));
  return root;
}

describe('lgsp connector new', () => {
  const root = scratchProject();
  const id = 'tax-office';
  afterAll(() => { rmSync(root, { recursive: true, force: true }); });

  it('scaffolds a connector, registers it, and its own test passes as generated', async () => {
    const { files, registered } = await scaffoldConnector(join(root, 'connectors'), id);
    expect(files.map((f) => f.slice(join(root, 'connectors', id).length + 1)).sort()).toEqual(['README.md', 'emulator/server.ts', 'index.ts', `${id}.test.ts`]);
    expect(registered).toBe(true);
    await expect(scaffoldConnector(join(root, 'connectors'), id)).rejects.toMatchObject({ code: 'CONNECTOR_EXISTS' });
    await expect(scaffoldConnector(join(root, 'connectors'), 'Bad_Id')).rejects.toMatchObject({ code: 'CONNECTOR_ID_INVALID' });

    // Registered: the project's connector list now has it, beside the built-in ones.
    expect(readFileSync(join(root, 'connectors', 'index.ts'), 'utf8')).toMatch(/import taxOffice from '\.\/tax-office\/index\.js';[\s\S]*spreadsheet, taxOffice\]/);
    const { builtInConnectors } = (await import(join(root, 'connectors', 'index.ts'))) as { builtInConnectors: ConnectorDefinition[] };
    expect(builtInConnectors.map((c) => c.id)).toContain(id);
    // A placeholder indicator of its own, not one of the catalogue's.
    const { placeholderIndicator } = (await import(join(root, 'connectors', id, 'index.ts'))) as { placeholderIndicator: string };
    expect(placeholderIndicator).toBe('TAX_OFFICE_EXAMPLE');
    expect(readFileSync(join(projectRoot, 'config', 'indicators.yaml'), 'utf8')).not.toContain(placeholderIndicator);

    // The generated test (warehouse values, the rejection's location, a record added to the last page later).
    const vitest = join(projectRoot, 'node_modules', '.bin', 'vitest');
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(vitest, ['run', '--root', root, `connectors/${id}`], { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 300_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? 1 : 0, out: stdout + stderr });
      });
    });
    expect(result.out).toMatch(/Tests\s+2 passed/);
    expect(result.code, result.out).toBe(0);
  });
});
