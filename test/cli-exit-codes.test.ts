import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentWorkbook } from '../connectors/spreadsheet/test-support.js';
import { errorCatalogue, type ErrorCode } from '../src/errors.js';
import { ExitCode, exitCodeMeanings } from '../src/errors/exit-codes.js';
import { insertConnection } from '../src/warehouse/connections.js';
import { runCli, type CliResult } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { loadProvinceReference } from './support/warehouse-fixtures.js';
import { entryOf, writeZip } from './support/zip-writer.js';

/** The real CLI ended with this code's error: printed with its code, exiting with the catalogue's exit code. */
function expectError(result: CliResult, code: ErrorCode): void {
  expect(result.stderr).toContain(`error [${code}]`);
  expect(result.code).toBe(errorCatalogue[code].exit);
}

describe('lgsp exit codes follow the error catalogue', () => {
  let t: TestDatabase;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    dir = await mkdtemp(join(tmpdir(), 'lgsp-exit-'));
    await insertConnection(t.db, { id: 'so-khcn', connectorId: 'spreadsheet', name: 'Sở KH&CN', config: { inbox: 'so-khcn' }, secretRefs: {} });
    env = { DATABASE_URL: t.url, LGSP_INBOX_ROOT: join(dir, 'inboxes') };
  });
  afterAll(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('0: an upload whose rows all load; 3: one with a rejected row', async () => {
    const clean = join(dir, 'clean.xlsx');
    await writeFile(clean, await departmentWorkbook([['RD_PERSONNEL', 91, 2025, '1.850', 'Sơ bộ']]));
    expect((await runCli(['upload', 'so-khcn', clean], env)).code).toBe(ExitCode.ok);
    const partly = join(dir, 'partly.xlsx');
    await writeFile(partly, await departmentWorkbook([['RD_PERSONNEL', 91, 2024, '1.700', 'Sơ bộ'], ['HDI', 40, '2024-13', 0.7, 'Chính thức']]));
    const partial = await runCli(['upload', 'so-khcn', partly], env);
    expect(partial.stdout).toMatch(/partly\.xlsx\s+\d+\s+PERIOD_INVALID/);
    expect(partial.code).toBe(ExitCode.partial);
  });

  it('the help lists every exit code as docs/errors.md does', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(ExitCode.ok);
    for (const [exit, meaning] of Object.entries(exitCodeMeanings)) expect(help.stdout).toMatch(new RegExp(`^\\s+${exit}  ${meaning.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(help.stdout).toContain('docs/errors.md');
  });

  it('1: an indicator that does not exist (NOT_FOUND)', async () => {
    expectError(await runCli(['query', 'NO_SUCH_INDICATOR', '--unit', '91', '--period', '2025'], env), 'NOT_FOUND');
  });

  it('2: a period that is not one, a connector id that is not one, a zip that is not a workbook', async () => {
    expectError(await runCli(['query', 'RD_PERSONNEL', '--unit', '91', '--period', '2025-13'], env), 'PERIOD_INVALID');
    expectError(await runCli(['connector', 'new', 'Not_An_Id'], env), 'CONNECTOR_ID_INVALID');
    const document = join(dir, 'letter.xlsx');
    await writeFile(document, writeZip([entryOf('word/document.xml', '<w:document/>'), entryOf('[Content_Types].xml', '<Types/>')]));
    const notWorkbook = await runCli(['upload', 'so-khcn', document], env);
    expectError(notWorkbook, 'WORKBOOK_UNREADABLE');
    expect(notWorkbook.code).toBe(ExitCode.usage);
  });

  it('69: PostgreSQL unreachable (SERVICE_UNAVAILABLE); 78: a configuration value that is not valid (CONFIG_INVALID)', async () => {
    const closedPort = 'postgres://postgres@127.0.0.1:1/lgsp';
    expectError(await runCli(['query', 'RD_PERSONNEL', '--unit', '91', '--period', '2025'], { ...env, DATABASE_URL: closedPort }), 'SERVICE_UNAVAILABLE');
    expectError(await runCli(['query', 'RD_PERSONNEL', '--unit', '91', '--period', '2025'], { ...env, LGSP_SYNC_CONCURRENCY: 'many' }), 'CONFIG_INVALID');
  });
});
