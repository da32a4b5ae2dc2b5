import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecrets } from '../src/connector-sdk/secrets.js';
import { ConnectorRegistry } from '../src/connector-sdk/registry.js';
import { createLogger } from '../src/logger.js';
import { checkConnection } from '../src/operations/connections.js';
import { executeRun } from '../src/pipeline/run-sync.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { createRun } from '../src/warehouse/sync-runs.js';
import { testBoundary } from './support/boundary.js';
import testConnector from './support/test-connector.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([testConnector]);

/** The error a call throws, as code and message. */
function thrown(call: () => unknown): { code: string; message: string } {
  try {
    call();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

describe('secret references: only what the host publishes, also for rows written before the boundary', () => {
  let t: TestDatabase;
  let secretsDir: string;
  const boundary = () => testBoundary({ LGSP_SECRETS_DIR: secretsDir });
  const env = { LGSP_SECRET_DVC: 'from-env', DATABASE_URL: 'postgres://owner:pw@db/lgsp', PATH: '/usr/bin' };
  const resolve = (ref: { env: string } | { file: string }) => resolveSecrets('c1', ['client_secret'], { client_secret: ref }, boundary(), env);

  beforeAll(async () => {
    t = await createTestDatabase();
    secretsDir = await mkdtemp(join(tmpdir(), 'lgsp-secrets-'));
    await writeFile(join(secretsDir, 'dvc-client-secret'), 'from-file\n');
    await symlink('/etc/passwd', join(secretsDir, 'leak'));
    await symlink(join(secretsDir, 'no-such-target-outside'), join(secretsDir, 'dangling'));
  });
  afterAll(async () => {
    await t.drop();
    await rm(secretsDir, { recursive: true, force: true });
  });

  it('a published variable and a file of the secrets folder are read', () => {
    expect(resolve({ env: 'LGSP_SECRET_DVC' })).toEqual({ client_secret: 'from-env' });
    expect(resolve({ file: 'dvc-client-secret' })).toEqual({ client_secret: 'from-file' });
  });

  it('anything else is refused before it is looked up: the message is the same whether it exists or not', () => {
    for (const ref of [{ env: 'DATABASE_URL' }, { env: 'PATH' }, { file: '/etc/passwd' }, { file: '../x' }, { file: 'leak' }, { file: 'dangling' }]) {
      expect(thrown(() => resolve(ref))).toMatchObject({ code: 'SECRET_REF_FORBIDDEN', message: expect.stringMatching(/^connection c1: secret "client_secret": .*Nothing was read/) as string });
    }
    // Existing and missing variables and files outside are refused alike: nothing tells them apart.
    const strip = (m: string) => m.replace(/DATABASE_URL|NO_SUCH_VARIABLE|\/etc\/passwd|\/etc\/no-such-file/g, 'X');
    expect(strip(thrown(() => resolve({ env: 'DATABASE_URL' })).message)).toBe(strip(thrown(() => resolve({ env: 'NO_SUCH_VARIABLE' })).message));
    expect(strip(thrown(() => resolve({ file: '/etc/passwd' })).message)).toBe(strip(thrown(() => resolve({ file: '/etc/no-such-file' })).message));
    expect(thrown(() => resolve({ env: 'DATABASE_URL' })).message).not.toContain('owner:pw');
  });

  it('a published variable not set, or a published file not there, is missing (SECRET_MISSING)', () => {
    expect(thrown(() => resolve({ env: 'LGSP_SECRET_UNSET' }))).toMatchObject({ code: 'SECRET_MISSING', message: expect.stringMatching(/LGSP_SECRET_UNSET, which is not set/) as string });
    expect(thrown(() => resolve({ file: 'absent' }))).toMatchObject({ code: 'SECRET_MISSING', message: expect.stringMatching(/file absent of the secrets folder \(LGSP_SECRETS_DIR\), which cannot be read \(ENOENT\)/) as string });
  });

  it('a connection row stored before the boundary (DATABASE_URL, /etc/passwd) fails its check and its sync at once with SECRET_REF_FORBIDDEN', async () => {
    for (const [id, ref] of [['old-env', { env: 'DATABASE_URL' }], ['old-file', { file: '/etc/passwd' }]] as const) {
      await insertConnection(t.db, { id, connectorId: 'test-dossiers', name: id, config: { baseUrl: 'http://127.0.0.1:9', clientId: 'x' }, secretRefs: { client_secret: ref } });
      const check = await checkConnection(t.db, registry, id, logger, boundary(), { env });
      expect(check).toMatchObject({ ok: false, code: 'SECRET_REF_FORBIDDEN' });
      const { run } = await createRun(t.db, { connectionId: id, mode: 'incremental' });
      const failure = await executeRun({ db: t.db, logger, connectors: registry, boundary: boundary(), env }, run.id, { signal: new AbortController().signal }).then(() => undefined, (e: unknown) => e);
      expect(failure).toMatchObject({ code: 'SECRET_REF_FORBIDDEN' });
    }
  });
});
