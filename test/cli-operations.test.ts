import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../src/cli/progress.js';
import type { SyncQueue } from '../src/queue/sync-queue.js';
import type { SyncWorker } from '../src/queue/sync-worker.js';
import { getRun } from '../src/warehouse/sync-runs.js';
import { cliQueueEnv, freshQueue, jsonLines, runCliStreaming, startInProcessWorker } from './support/cli-queue.js';
import { runCli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { generateRows, testClient, TestSource } from './support/test-source.js';
import { loadProvinceReference, testSecretEnv } from './support/warehouse-fixtures.js';

const months = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `2025-${String(from + i).padStart(2, '0')}`);

interface RunLine {
  event: string;
  id: number;
  status: string;
  mode: string;
  replayOf: number | null;
  counts: Record<string, number>;
  error: { code: string; message: string; causes: string[] } | null;
}

describe('lgsp operator CLI: connections, schedules, syncs, runs, rejections, replays', () => {
  let t: TestDatabase;
  let source: TestSource;
  let baseUrl: string;
  let queue: SyncQueue;
  let worker: SyncWorker | undefined;
  let env: Record<string, string>;
  const lgsp = (...args: string[]) => runCli(args, env);
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-cli-'));
  const configFile = (name: string, config: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(config));
    return `@${path}`;
  };
  const secret = `client_secret=env:${Object.keys(testSecretEnv)[0] ?? ''}`;
  let firstRun = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadProvinceReference(t.db);
    source = new TestSource(generateRows([{ code: '40', months: months(1, 6) }, { code: '89', months: months(1, 3) }], 2));
    baseUrl = await source.start();
    queue = await freshQueue();
    env = { DATABASE_URL: t.url, ...cliQueueEnv, LGSP_CONNECTOR_MODULES: 'test/support/test-connector.ts', ...testSecretEnv };
  });
  afterAll(async () => {
    await worker?.shutdown();
    await queue.obliterate({ force: true });
    await queue.close();
    await source.stop();
    await t.drop();
  });

  it('connections add refuses, exit 2, a config that does not fit the connector (naming each field), a missing secret reference, a secret value and an unknown connector', async () => {
    const bad = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', '{"baseUrl":"not a url","clientId":"x","pagesize":5}', '--secret', secret);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error \[CONNECTION_CONFIG_INVALID\]: the config does not fit connector test-dossiers: pagesize: not a setting of connector test-dossiers \(its settings: baseUrl, clientId, pageSize, timeoutMs\); baseUrl: .*URL.*Fix --config/i);

    const missing = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error \[SECRET_MISSING\]: connector test-dossiers needs secret "client_secret": add --secret client_secret=env:LGSP_SECRET_…/);

    const value = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }), '--secret', `client_secret=${testClient.secret}`);
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/error \[SECRET_REF_INVALID\]: --secret "client_secret=…" is not a reference: write name=env:LGSP_SECRET_… \(a variable the host publishes\) or name=file:<name of a file in the secrets folder>/);
    expect(value.stderr).not.toContain(testClient.secret);

    const unknown = await lgsp('connections', 'add', 'dvc', '--connector', 'no-such-source', '--name', 'DVC');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error \[CONNECTOR_UNKNOWN\]: connector "no-such-source" is not installed: installed are [a-z, -]*dvc-portal[a-z, -]*test-dossiers/);

    const cron = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }), '--secret', secret, '--schedule', 'cron=61 2 * * *');
    expect(cron.code).toBe(2);
    expect(cron.stderr).toMatch(/error \[SCHEDULE_INVALID\]: cron expression "61 2 \* \* \*" is not valid/);

    // Secrets only from what the host publishes; inboxes only under its root.
    const dvcConfig = JSON.stringify({ baseUrl, clientId: testClient.id });
    const unpublished = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', dvcConfig, '--secret', 'client_secret=env:DATABASE_URL');
    expect(unpublished.code).toBe(2);
    expect(unpublished.stderr).toMatch(/error \[SECRET_REF_INVALID\]: secret "client_secret": environment variable DATABASE_URL is not published to connections: only variables named LGSP_SECRET_… are .*Reference it as --secret client_secret=env:LGSP_SECRET_…/);
    const file = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC', '--config', dvcConfig, '--secret', 'client_secret=file:/etc/passwd');
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/error \[SECRET_REF_INVALID\]: secret "client_secret": "\/etc\/passwd" is not a file of the secrets folder/);
    const inbox = await lgsp('connections', 'add', 'ag', '--connector', 'spreadsheet', '--name', 'AG', '--config', '{"inbox":"../../etc"}');
    expect(inbox.code).toBe(2);
    expect(inbox.stderr).toMatch(/error \[CONNECTION_CONFIG_INVALID\]: .*inbox: the inbox has "\." or "\.\." segments/);

    expect(await t.db.selectFrom('connection').select('id').execute()).toEqual([]);
  });

  it('connections add stores references, never values, registers the schedule, and refuses a duplicate id (exit 1)', async () => {
    const add = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'DVC An Giang', '--config', configFile('dvc.json', { baseUrl, clientId: testClient.id, pageSize: 10 }), '--secret', secret, '--schedule', 'cron=0 2 * * *,tz=Asia/Ho_Chi_Minh');
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/added connection dvc \(connector test-dossiers, "DVC An Giang"\)\nschedule: cron "0 2 \* \* \*" \(Asia\/Ho_Chi_Minh\), next sync at 20\d\d-/);
    const row = await t.db.selectFrom('connection').selectAll().where('id', '=', 'dvc').executeTakeFirstOrThrow();
    expect(row.secret_refs).toEqual({ client_secret: { env: 'LGSP_SECRET_TEST_CLIENT' } });
    expect(JSON.stringify(row)).not.toContain(testClient.secret);
    expect(row.schedule).toEqual({ cron: '0 2 * * *', tz: 'Asia/Ho_Chi_Minh' });
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([['schedule:dvc', '0 2 * * *', 'Asia/Ho_Chi_Minh']]);

    const again = await lgsp('connections', 'add', 'dvc', '--connector', 'test-dossiers', '--name', 'again', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }), '--secret', secret);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/error \[CONNECTION_EXISTS\]: connection dvc already exists \(connector test-dossiers, "DVC An Giang"\): choose another id, or remove it first with `lgsp connections remove dvc`/);

    // A connection whose credentials the source refuses, for check and a failing sync below.
    const wrong = await lgsp('connections', 'add', 'dvc-wrong', '--connector', 'test-dossiers', '--name', 'wrong client', '--config', JSON.stringify({ baseUrl, clientId: 'not-the-client' }), '--secret', secret, '--json');
    expect(wrong.code).toBe(0);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ id: 'dvc-wrong', connector: 'test-dossiers', secretRefs: { client_secret: { env: 'LGSP_SECRET_TEST_CLIENT' } }, schedule: null, paused: false });
  });

  it('connections list and show print the secret references, never the values, even with the variable set', async () => {
    const list = await lgsp('connections', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/id\s+connector\s+name\s+schedule\s+paused\s+last run\s+at/);
    expect(list.stdout).toMatch(/dvc\s+test-dossiers\s+DVC An Giang\s+cron "0 2 \* \* \*" \(Asia\/Ho_Chi_Minh\)\s+no\s+-\s+-/);
    const show = await lgsp('connections', 'show', 'dvc');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/client_secret: environment variable LGSP_SECRET_TEST_CLIENT \(set in this shell\)/);
    expect(show.stdout).toMatch(/"pageSize": 10/);
    expect(show.stdout).toMatch(/no runs yet: start one with `lgsp sync dvc --wait`/);
    const json = await lgsp('connections', 'show', 'dvc', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'dvc', secretRefs: { client_secret: { env: 'LGSP_SECRET_TEST_CLIENT' } }, runs: [], cursors: [] });
    for (const out of [list, show, json, await lgsp('connections', 'list', '--json')]) expect(out.stdout + out.stderr).not.toContain(testClient.secret);

    const none = await lgsp('connections', 'show', 'nope');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error \[NOT_FOUND\]: Connection "nope" does not exist\. Run `lgsp connections list`/);
  });

  it('connections check: exit 0 when the source accepts the connection, 1 with the reason when it refuses the credentials or the secret is not set', async () => {
    const ok = await lgsp('connections', 'check', 'dvc');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/connection dvc \(test-dossiers\) works: reached http:\/\/127\.0\.0\.1:\d+ and authenticated/);

    const wrong = await lgsp('connections', 'check', 'dvc-wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/error \[SOURCE_AUTH_FAILED\]: connection dvc-wrong \(test-dossiers\) does not work: .*/);
    expect(wrong.stderr).toMatch(/next: fix the cause/);
    expect(wrong.stderr).not.toContain(testClient.secret);

    const unset = await runCli(['connections', 'check', 'dvc', '--json'], { ...env, LGSP_SECRET_TEST_CLIENT: '' });
    expect(unset.code).toBe(1);
    expect(JSON.parse(unset.stdout)).toMatchObject({ connection: 'dvc', ok: false, code: 'SECRET_MISSING' });
    expect(unset.stderr).toMatch(/secret "client_secret" comes from environment variable LGSP_SECRET_TEST_CLIENT, which is not set/);
  });

  it('schedule set, pause and resume update the database and the BullMQ job schedulers at once; remove drops both', async () => {
    const add = await lgsp('connections', 'add', 'sched', '--connector', 'test-dossiers', '--name', 'scheduled', '--config', JSON.stringify({ baseUrl, clientId: testClient.id }), '--secret', secret);
    expect(add.code).toBe(0);
    const scheduler = async () => (await queue.getJobSchedulers()).find((s) => s.key === 'schedule:sched');

    const resumeNothing = await lgsp('schedule', 'resume', 'sched');
    expect(resumeNothing.code).toBe(1);
    expect(resumeNothing.stderr).toMatch(/error \[SCHEDULE_MISSING\]: connection sched has no schedule to resume: set one with `lgsp schedule set sched/);

    const set = await lgsp('schedule', 'set', 'sched', '--cron', '30 6 * * 1-5', '--tz', 'Asia/Ho_Chi_Minh');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/connection sched: schedule cron "30 6 \* \* 1-5" \(Asia\/Ho_Chi_Minh\); next sync at 20\d\d-\d\d-\d\d 06:30 Asia\/Ho_Chi_Minh \(20\d\d-\d\d-\d\dT23:30:00\.000Z\)/);
    expect(await scheduler()).toMatchObject({ pattern: '30 6 * * 1-5', tz: 'Asia/Ho_Chi_Minh' });

    const pause = await lgsp('schedule', 'pause', 'sched', '--json');
    expect(pause.code).toBe(0);
    expect(JSON.parse(pause.stdout)).toEqual({ connection: 'sched', schedule: { cron: '30 6 * * 1-5', tz: 'Asia/Ho_Chi_Minh' }, paused: true, scheduler: null });
    expect(await scheduler()).toBeUndefined();

    const every = await lgsp('schedule', 'set', 'sched', '--every', '90');
    expect(every.code).toBe(0);
    expect(every.stdout).toMatch(/schedule every 90 min \(paused\); paused: no sync is scheduled until `lgsp schedule resume`/);
    expect(await scheduler()).toBeUndefined();

    const resume = await lgsp('schedule', 'resume', 'sched');
    expect(resume.code).toBe(0);
    expect(resume.stdout).toMatch(/connection sched resumed \(schedule every 90 min\); next sync at/);
    expect(await scheduler()).toMatchObject({ every: 90 * 60_000 });
    expect((await t.db.selectFrom('connection').select(['schedule', 'paused']).where('id', '=', 'sched').executeTakeFirstOrThrow())).toEqual({ schedule: { everyMinutes: 90 }, paused: false });

    const badTz = await lgsp('schedule', 'set', 'sched', '--cron', '0 2 * * *', '--tz', 'Mars/Olympus');
    expect(badTz.code).toBe(2);
    expect(badTz.stderr).toMatch(/error \[SCHEDULE_INVALID\]: time zone "Mars\/Olympus" is not known: use an IANA name such as Asia\/Ho_Chi_Minh/);
    const both = await lgsp('schedule', 'set', 'sched', '--cron', '0 2 * * *', '--every', '5');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give either --cron "<expr>" \[--tz <zone>\] or --every <minutes>/);

    const remove = await lgsp('connections', 'remove', 'sched');
    expect(remove.code).toBe(0);
    expect(remove.stdout).toMatch(/removed connection sched and its schedule; deleted 0 run\(s\)/);
    expect(await scheduler()).toBeUndefined();
    // The first job an "every" scheduler queues at once must not reach the worker started below.
    await queue.drain(true);
  });

  it('sync without a worker queues a run and warns; a second sync joins it, a different one is refused; sync --wait follows it to success in JSON lines', async () => {
    const first = await lgsp('sync', 'dvc');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/warning: no sync worker is consuming the queue, so run (\d+) stays queued until one starts: start one with `npm run worker`/);
    const runId = Number(/queued run (\d+) \(incremental\) for connection dvc; follow it with `lgsp runs show \1 --wait`/.exec(first.stdout)?.[1]);
    expect(runId).toBeGreaterThan(0);
    firstRun = runId;

    const second = await lgsp('sync', 'dvc', '--json');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`connection dvc already has run ${runId} queued; not starting another. Follow it with \`lgsp runs show ${runId} --wait\``);
    expect(JSON.parse(second.stdout)).toMatchObject({ joined: true, run: { id: runId, status: 'queued' } });

    const other = await lgsp('sync', 'dvc', '--full-refresh');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(new RegExp(`error \\[SYNC_ALREADY_ACTIVE\\]: connection dvc already has run ${runId} \\(incremental\\) queued; only one sync per connection runs at a time, so the full refresh was not queued\\. Wait for run ${runId} to end`));

    const timeout = await lgsp('sync', 'dvc', '--wait', '--timeout', '1');
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain(`error [SYNC_WAIT_TIMEOUT]: run ${runId} did not finish in time. It has not started: is a sync worker running (\`npm run worker\`)?`);
    expect(jsonLines(timeout.stdout).map((l) => l.event)).toEqual(['joined', 'stopped']);

    // Ctrl-C stops the following, not the run.
    const interrupted = await runCliStreaming(['runs', 'show', String(runId), '--wait'], env, (out, child) => {
      if (out.includes('"event":"progress"')) child.kill('SIGINT');
    });
    expect(interrupted.stderr).toContain(`stopped following: run ${runId} is queued and goes on in the worker; follow it with \`lgsp runs show ${runId}\``);
    expect(interrupted.code).toBe(130);

    const busy = await lgsp('connections', 'remove', 'dvc', '--force');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(new RegExp(`error \\[CONNECTION_BUSY\\]: connection dvc has run ${runId} queued: wait for it to end`));

    // The worker starts once the CLI follows the queued run, so it sees the run go from queued to succeeded.
    const wait = await runCliStreaming(['sync', 'dvc', '--wait', '--timeout', '40'], env, (out) => {
      if (worker === undefined && out.includes('"event":"joined"')) worker = startInProcessWorker(t.db);
    });
    expect(wait.stderr).toContain(`connection dvc already has run ${runId} queued; following it`);
    expect(wait.code).toBe(0);
    const lines = jsonLines(wait.stdout) as unknown as RunLine[];
    expect(lines[0]).toMatchObject({ event: 'joined', id: runId });
    const last = lines[lines.length - 1];
    expect(last).toMatchObject({ event: 'finished', id: runId, status: 'succeeded', mode: 'incremental', error: null });
    expect(last?.counts).toMatchObject({ records_fetched: source.rows.length, records_landed: source.rows.length, records_rejected: 0, observations_inserted: 2 * 9 });
    expect(lines.slice(1, -1).every((l) => l.event === 'progress')).toBe(true);
  });

  it('runs list and runs show: counters, cursors before and after, duration', async () => {
    const list = await lgsp('runs', 'list', '--connection', 'dvc');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${firstRun}\\s+dvc\\s+incremental\\s+succeeded\\s+\\S+ \\S+\\s+[\\d.]+ m?s\\s+${source.rows.length}\\s+${source.rows.length}\\s+0\\s+\\+18 ~0 -0`));
    const show = await lgsp('runs', 'show', String(firstRun));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`run ${firstRun} of connection dvc: incremental, succeeded`));
    expect(show.stdout).toMatch(/records fetched\s+18\n/);
    expect(show.stdout).toMatch(/observations inserted\s+18\n/);
    expect(show.stdout).toMatch(/units via succession\s+0\n/);
    expect(show.stdout).toMatch(/cursor before: \{"rows":null\}/);
    expect(show.stdout).toMatch(/cursor after: {2}\{"rows":\{"since":"2025-/);
    const json = JSON.parse((await lgsp('runs', 'show', String(firstRun), '--json')).stdout) as { durationMs: number; streams: { stream: string; done: boolean }[] };
    expect(json.durationMs).toBeGreaterThan(0);
    expect(json.streams).toEqual([expect.objectContaining({ stream: 'rows', done: true })]);
    const bad = await lgsp('runs', 'show', 'latest');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a run id: a whole number from 1/);
    const listed = JSON.parse((await lgsp('runs', 'list', '--json', '--limit', '1')).stdout) as { id: number; connectionId: string }[];
    expect(listed).toEqual([expect.objectContaining({ connectionId: 'dvc' })]);
    const noRedis = await runCli(['sync', 'dvc'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noRedis.code).toBe(69);
    expect(noRedis.stderr).toMatch(/error \[SERVICE_UNAVAILABLE\]: Redis is not reachable at redis:\/\/127\.0\.0\.1:1\. Start it with/);
    const none = await lgsp('runs', 'show', '999999');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error \[NOT_FOUND\]: Sync run "999999" does not exist\. Run `lgsp runs list`/);
  });

  it('the progress line on a terminal shows the counters in place', async () => {
    const run = await getRun(t.db, firstRun);
    if (!run) throw new Error('fixture');
    const line = progressLine(run, 0);
    expect(line).toMatch(new RegExp(`^✔ run ${firstRun} succeeded [\\d.]+ m?s · fetched 18 · landed 18 · unchanged 0 · rejected 0 · observations \\+18 ~0 · events \\d+$`));
    expect(progressLine({ ...run, status: 'running', finished_at: null }, 3)).toMatch(/^⠸ run \d+ running/);
  });

  it('rejected list after rows with bad values: reason, location and code; payloads only with --json', async () => {
    source.rows.push(
      { id: 'bad-negative', month: '2025-05', unit: '40', dossiers: -3, online: 1, updatedAt: source.nextUpdateTime() },
      { id: 'bad-text', month: '2025-05', unit: '40', dossiers: 'mười', online: 1, updatedAt: source.nextUpdateTime() },
    );
    const sync = await lgsp('sync', 'dvc', '--wait', '--timeout', '40');
    expect(sync.code).toBe(0);
    const last = jsonLines(sync.stdout).pop() as unknown as RunLine;
    expect(last).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ records_fetched: 2, records_rejected: 2 }) as unknown });

    const list = await lgsp('rejected', 'list', '--run', String(last.id));
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/id\s+run\s+connection\s+stream\s+code\s+location\s+reason/);
    expect(list.stdout).toMatch(new RegExp(`${last.id}\\s+dvc\\s+rows\\s+NOT_A_NUMBER\\s+.*key=bad-text.*dossiers is not-a-number: "mười"`));
    expect(list.stdout).toMatch(new RegExp(`${last.id}\\s+dvc\\s+rows\\s+NEGATIVE_COUNT\\s+.*key=bad-negative.*dossiers is negative: -3`));
    expect(list.stdout).toMatch(/^2 rejected record\(s\); the payloads are in `--json`/m);
    expect(list.stdout).not.toMatch(/updatedAt/);

    const json = JSON.parse((await lgsp('rejected', 'list', '--connection', 'dvc', '--code', 'negative_count', '--json')).stdout) as { code: string; payload: { id: string } }[];
    expect(json).toEqual([expect.objectContaining({ code: 'NEGATIVE_COUNT', payload: expect.objectContaining({ id: 'bad-negative', dossiers: -3 }) as unknown })]);
  });

  it('replay queues a replay run of the run and follows it; a run that landed nothing is refused', async () => {
    const replay = await lgsp('replay', String(firstRun), '--wait', '--timeout', '40');
    expect(replay.code).toBe(0);
    const lines = jsonLines(replay.stdout) as unknown as RunLine[];
    expect(lines[0]).toMatchObject({ event: 'queued', mode: 'replay', replayOf: firstRun, status: 'queued' });
    const last = lines[lines.length - 1];
    expect(last).toMatchObject({ event: 'finished', mode: 'replay', replayOf: firstRun, status: 'succeeded' });
    expect(last?.counts).toMatchObject({ records_fetched: 18, observations_inserted: 0, observations_updated: 0 });
    const stored = await getRun(t.db, last?.id ?? 0);
    expect(stored).toMatchObject({ connection_id: 'dvc', mode: 'replay', replay_of: firstRun });

    const ofReplay = await lgsp('replay', String(last?.id ?? 0), '--json');
    expect(ofReplay.stderr).toMatch(new RegExp(`run ${last?.id ?? 0} is itself a replay of run ${firstRun}; replaying run ${firstRun}`));
    expect(ofReplay.code).toBe(0);
    const queued = JSON.parse(ofReplay.stdout) as { joined: boolean; run: { id: number; replayOf: number } };
    expect(queued).toMatchObject({ joined: false, run: { replayOf: firstRun } });
    const followed = await lgsp('runs', 'show', String(queued.run.id), '--wait', '--timeout', '40');
    expect(followed.code).toBe(0);

    const nothing = await lgsp('sync', 'dvc', '--wait', '--timeout', '40');
    const empty = jsonLines(nothing.stdout).pop() as unknown as RunLine;
    expect(empty.counts.records_landed).toBe(0);
    const refused = await lgsp('replay', String(empty.id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`error \\[REPLAY_NOTHING\\]: run ${empty.id} landed no raw records`));
  });

  it('a failing sync --wait exits 1 with the error code, message, causes and what to do next', async () => {
    const r = await lgsp('sync', 'dvc-wrong', '--wait', '--timeout', '40');
    expect(r.code).toBe(1);
    const last = jsonLines(r.stdout).pop() as unknown as RunLine;
    expect(last).toMatchObject({ event: 'finished', status: 'failed', error: { code: 'SOURCE_AUTH_FAILED' } });
    expect(r.stderr).toMatch(new RegExp(`error \\[SOURCE_AUTH_FAILED\\]: run ${last.id} of connection dvc-wrong failed: `));
    expect(r.stderr).toMatch(/next: check the credentials: the secret references \(`lgsp connections show dvc-wrong`\)/);
    const show = await lgsp('runs', 'show', String(last.id));
    expect(show.stdout).toMatch(/error \[SOURCE_AUTH_FAILED\]/);
  });

  it('connections remove refuses a connection whose observations are in the warehouse; --force keeps them, detached', async () => {
    const refused = await lgsp('connections', 'remove', 'dvc');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error \[CONNECTION_HAS_DATA\]: connection dvc provided 18 observation\(s\) and 18 revision\(s\) in the warehouse\. To stop it syncing, pause it: `lgsp schedule pause dvc`\. To remove it anyway, run `lgsp connections remove dvc --force`/);
    const removed = await lgsp('connections', 'remove', 'dvc', '--force', '--json');
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ connection: 'dvc', detached: { observation: 18, observation_revision: 18 }, scheduler: null });
    expect(await t.db.selectFrom('observation').select('connection_id').distinct().execute()).toEqual([{ connection_id: null }]);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([]);
    expect((await lgsp('runs', 'list', '--connection', 'dvc')).code).toBe(1);
  });

});
