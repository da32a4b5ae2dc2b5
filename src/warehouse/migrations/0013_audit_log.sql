-- The audit log of operator actions: every state-changing API call and CLI command, refused and failed ones too.
-- Append-only: rows are only ever inserted; a trigger refuses UPDATE, DELETE and TRUNCATE, whoever asks (a role
-- that may alter the table can still drop the trigger: keep the application's role from owning it where that matters).
-- No secret is ever stored here: ids, names of the fields a request gave (never their values), codes and statuses.
-- No foreign keys on purpose: the entries outlive the keys, connections and webhooks they name, and a
-- `truncate connection cascade` must not reach this table.
create table audit_log (
  id bigint generated always as identity primary key,
  -- clock_timestamp: the moment of the entry, not of the transaction that wrote it.
  at timestamptz not null default clock_timestamp(),
  -- Where the action came from: the HTTP API or the `lgsp` command.
  channel text not null check (channel in ('api', 'cli')),
  -- Who: the API key's id (null when no valid key was presented), or the OS user who ran the command.
  actor text,
  -- The API key's name; null for the CLI and for requests without a valid key.
  actor_name text,
  -- From where: the client's IP address (API), or the host name (CLI).
  client text not null,
  -- What: a dotted action (`connection.create`, `webhook.secret.rotate`), or `<METHOD> <route>` for a route without one.
  action text not null,
  object_type text,
  object_id text,
  -- success; partial (done, some input rows rejected); refused (invalid input, unknown object, conflict, auth,
  -- rate limit: nothing was done); failed (an error on our side or of a system we call).
  outcome text not null check (outcome in ('success', 'partial', 'refused', 'failed')),
  -- The HTTP status (API) or the exit code (CLI); the error's stable code when it did not succeed.
  status int check ((channel = 'api') = (status is not null)),
  exit_code int check ((channel = 'cli') = (exit_code is not null)),
  error_code text,
  -- API: the method and route pattern (never the URL itself: a query string may carry anything).
  method text,
  route text,
  -- The names of the fields the request gave (`body.config`, `--force`): never their values.
  fields text[] not null default '{}'
);
create index audit_log_at_idx on audit_log (at);
create index audit_log_actor_idx on audit_log (actor, id);
create index audit_log_action_idx on audit_log (action text_pattern_ops, id);
create index audit_log_object_idx on audit_log (object_type, object_id, id);

create function lgsp_audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', tg_op
    using errcode = 'insufficient_privilege',
          hint = 'Audit entries are never changed or removed; to keep less, archive the table and start a new one in a migration.';
end
$$;
-- Statement-level and BEFORE: refused even when no row would match, and TRUNCATE triggers are statement-level only.
create trigger audit_log_append_only
  before update or delete or truncate on audit_log
  for each statement execute function lgsp_audit_log_append_only();
