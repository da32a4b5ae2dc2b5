import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connector-sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { checkConnection } from '../../src/operations/connections.js';
import { executeRun } from '../../src/pipeline/run-sync.js';
import { insertConnection } from '../../src/warehouse/connections.js';
import { createRun, type SyncRun } from '../../src/warehouse/sync-runs.js';
import { testBoundary } from '../../test/support/boundary.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { loadProvinceReference, provinceValue, resetWarehouse } from '../../test/support/warehouse-fixtures.js';
import { entryOf, writeZip, zeroEntry } from '../../test/support/zip-writer.js';
import spreadsheet from './index.js';
import { departmentWorkbook } from './test-support.js';

const logger = createLogger('silent');
const registry = new ConnectorRegistry([spreadsheet]);
const MiB = 1024 * 1024;

describe('spreadsheet: the trust boundary (inboxes under one root, workbook limits)', () => {
  let t: TestDatabase;
  let root: string;
  /** A folder outside the root, with a workbook in it: nothing may read or describe it. */
  let outside: string;
  let env: Record<string, string>;

  const boundary = () => testBoundary({ LGSP_INBOX_ROOT: root, ...env });
  const addConnection = (id: string, inbox: string) => insertConnection(t.db, { id, connectorId: 'spreadsheet', name: id, config: { inbox }, secretRefs: {} });
  const sync = async (connectionId: string): Promise<SyncRun | { code: string; message: string }> => {
    const { run } = await createRun(t.db, { connectionId, mode: 'incremental' });
    return executeRun({ db: t.db, logger, connectors: registry, boundary: boundary() }, run.id, { signal: new AbortController().signal })
      .catch((error: unknown) => ({ code: (error as { code: string }).code, message: (error as Error).message }));
  };
  const rejections = (runId: number) => t.db.selectFrom('rejected_record').select(['code', 'reason', 'location']).where('sync_run_id', '=', runId).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
  });
  afterAll(async () => t.drop());
  beforeEach(async () => {
    env = {};
    root = await mkdtemp(join(tmpdir(), 'lgsp-inbox-root-'));
    outside = await mkdtemp(join(tmpdir(), 'lgsp-outside-'));
    await writeFile(join(outside, 'secret-figures.xlsx'), await departmentWorkbook([['RD_PERSONNEL', 91, 2025, 1850, 'Sơ bộ']]));
    await resetWarehouse(t.db);
    return async () => {
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    };
  });

  it('an inbox outside the root (absolute, "..", a symbolic link out of it) is neither synced nor described by the check', async () => {
    await symlink(outside, join(root, 'escape'));
    await mkdir(join(root, 'nested'));
    await symlink(outside, join(root, 'nested', 'deeper'));
    const cases = [
      { id: 'absolute', inbox: outside, code: 'CONNECTION_CONFIG_INVALID', message: /inbox: the inbox is an absolute path: give a folder under the inbox root of this host \(LGSP_INBOX_ROOT\)/ },
      { id: 'dots', inbox: `so-khcn/../../${outside.split('/').pop() ?? ''}`, code: 'CONNECTION_CONFIG_INVALID', message: /inbox: the inbox has "\." or "\.\." segments/ },
      { id: 'link', inbox: 'escape', code: 'INBOX_OUTSIDE_ROOT', message: /the inbox "escape" leads out of the inbox root through a symbolic link: an inbox is a folder under the inbox root of this host \(LGSP_INBOX_ROOT\)/ },
      { id: 'nested-link', inbox: 'nested/deeper/more', code: 'INBOX_OUTSIDE_ROOT', message: /leads out of the inbox root/ },
    ];
    for (const c of cases) {
      await addConnection(c.id, c.inbox);
      const run = await sync(c.id);
      expect(run).toMatchObject({ code: c.code, message: expect.stringMatching(c.message) as string });
      const check = await checkConnection(t.db, registry, c.id, logger, boundary());
      expect(check).toMatchObject({ ok: false, code: c.code });
      // Nothing about the folder out there: not its path, not its workbooks.
      expect(check.message).not.toContain(outside);
      expect(check.message).not.toMatch(/workbook\(s\)|readable|ENOENT/);
    }
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '91', '2025', '2025-12-31')).toBeUndefined();
  });

  it('a zip bomb, a lying zip and a file over the size limit are each one rejection; the other workbooks of the inbox still load', async () => {
    const inbox = join(root, 'so-khcn');
    await mkdir(inbox);
    await addConnection('so-khcn', 'so-khcn');
    const good = await departmentWorkbook([['RD_PERSONNEL', 91, 2025, 1850, 'Sơ bộ']]);
    await writeFile(join(inbox, 'a-bomb.xlsx'), writeZip([entryOf('[Content_Types].xml', '<Types/>'), await zeroEntry('xl/worksheets/sheet1.xml', 64 * MiB)]));
    const payload = await zeroEntry('xl/worksheets/sheet1.xml', 16 * MiB);
    await writeFile(join(inbox, 'b-lying.xlsx'), writeZip([entryOf('[Content_Types].xml', '<Types/>'), { ...payload, declaredSize: 4096 }]));
    await writeFile(join(inbox, 'c-large.xlsx'), Buffer.concat([good, Buffer.alloc(200_000 - good.length)]));
    await writeFile(join(inbox, 'd-good.xlsx'), good);
    env = { LGSP_WORKBOOK_MAX_BYTES: '100000' };

    const run = await sync('so-khcn');
    expect(run).toMatchObject({ status: 'succeeded', records_rejected: 3, observations_inserted: 1 });
    expect(await provinceValue(t.db, 'RD_PERSONNEL', '91', '2025', '2025-12-31')).toBe('1850');
    const rejected = await rejections((run as SyncRun).id);
    expect(rejected.map((r) => [r.code, (r.location as { file: string }).file])).toEqual([
      ['WORKBOOK_LIMIT_EXCEEDED', 'a-bomb.xlsx'], ['FILE_UNREADABLE', 'b-lying.xlsx'], ['WORKBOOK_LIMIT_EXCEEDED', 'c-large.xlsx'],
    ]);
    expect(rejected[0]?.reason).toMatch(/over the limit maxCompressionRatio = 200 of this host \(LGSP_WORKBOOK_MAX_RATIO\).*Split the workbook/);
    expect(rejected[1]?.reason).toMatch(/sheet1\.xml cannot be inflated to the size its zip directory declares/);
    expect(rejected[2]?.reason).toMatch(/over the limit maxBytes = 100000 of this host \(LGSP_WORKBOOK_MAX_BYTES\): the file has 200000 bytes/);
    // Refused bytes count as processed: the next sync reads nothing again.
    expect(await sync('so-khcn')).toMatchObject({ records_fetched: 0 });
  });
});
