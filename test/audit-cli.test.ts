import { hostname, userInfo } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../src/warehouse/audit-log.js';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('audit log of the CLI', () => {
  let t: TestDatabase;
  const lgsp = (...args: string[]) => runCli(args, { DATABASE_URL: t.url });
  const entries = () => listAuditEntries(t.db, { limit: 1000 });
  const user = userInfo().username;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('a state-changing command records the OS user, the host, its object, outcome and exit code, and flag names only', async () => {
    const res = await lgsp('apikey', 'create', '--scopes', 'read', '--name', 'audit cli', '--json');
    expect(res.code, res.stderr).toBe(0);
    const created = JSON.parse(res.stdout) as { id: string; key: string };
    const [entry] = await entries();
    expect(entry).toMatchObject({
      channel: 'cli', actor: user, actorName: null, client: hostname(), action: 'apikey.create', objectType: 'apikey', objectId: created.id,
      outcome: 'success', status: null, exitCode: 0, errorCode: null, method: null, route: null,
    });
    expect([...(entry?.fields ?? [])].sort()).toEqual(['--json', '--name', '--scopes']);
    const text = JSON.stringify((await sql`select * from audit_log`.execute(t.db)).rows);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain('audit cli');
  });

  it('records refusals with their code and exit code: an unknown object (exit 1), bad input (exit 2)', async () => {
    expect((await lgsp('apikey', 'revoke', '0123456789ab')).code).toBe(1);
    expect((await entries())[0]).toMatchObject({ action: 'apikey.revoke', objectId: '0123456789ab', outcome: 'refused', errorCode: 'NOT_FOUND', exitCode: 1 });

    const bad = await lgsp('connections', 'add', 'audit-x', '--connector', 'no-such-connector', '--name', 'X', '--config', '{"token":"abc123secret"}');
    expect(bad.code, bad.stderr).toBe(2);
    const [entry] = await entries();
    expect(entry).toMatchObject({ action: 'connection.create', objectType: 'connection', objectId: 'audit-x', outcome: 'refused', exitCode: 2 });
    expect(JSON.stringify(entry)).not.toContain('abc123secret');
  });

  it('read-only commands are not recorded; migrate is', async () => {
    const before = (await entries()).length;
    expect((await lgsp('apikey', 'list')).code).toBe(0);
    expect((await entries()).length).toBe(before);
    expect((await lgsp('migrate')).code).toBe(0);
    expect((await entries())[0]).toMatchObject({ action: 'migrate', outcome: 'success', exitCode: 0, actor: user });
  });

  it('audit list prints a table or JSON, filtered by actor, action and time, and is not recorded itself', async () => {
    const count = (await entries()).length;
    const json = await lgsp('audit', 'list', '--action', 'apikey.*', '--json');
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { action: string; actor: string; exitCode: number }[];
    expect(listed.map((e) => e.action)).toEqual(['apikey.revoke', 'apikey.create']);

    const table = await lgsp('audit', 'list', '--actor', user, '--since', '2000-01-01', '--limit', '2');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+at\s+via\s+actor\s+from\s+action\s+object\s+outcome$/);
    expect(lines[2]).toContain('migrate');
    expect(lines[2]).toContain(`cli  ${user}`);
    expect(lines[3]).toContain('refused exit 2');
    expect(table.stdout).toContain('(the 2 newest;');

    expect((await lgsp('audit', 'list', '--until', '2000-01-01')).stdout).toContain('no audit entries match');
    expect((await lgsp('audit', 'list', '--since', 'yesterday')).code).toBe(2);
    expect((await entries()).length).toBe(count);
  });
});
