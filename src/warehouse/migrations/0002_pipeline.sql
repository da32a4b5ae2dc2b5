-- What the pipeline writes: connections and runs, raw landing, rejections, observations with
-- their history, and the outbox of change events committed together with each change.

create table connection (
  id           text primary key check (id ~ '^[a-z0-9][a-z0-9-]*$'),
  connector_id text not null,
  name         text not null,
  config       jsonb not null default '{}',
  -- Names of environment variables or files that hold secrets; never the secrets themselves.
  secret_refs  jsonb not null default '{}',
  schedule     jsonb,
  paused       boolean not null default false,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create table sync_run (
  id                    bigint generated always as identity primary key,
  connection_id         text not null references connection (id),
  mode                  text not null check (mode in ('incremental', 'full_refresh', 'backfill', 'replay')),
  status                text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params                jsonb not null default '{}',
  replay_of             bigint references sync_run (id),
  job_id                text,
  queued_at             timestamptz not null default now(),
  started_at            timestamptz,
  finished_at           timestamptz,
  records_fetched       bigint not null default 0,
  records_landed        bigint not null default 0,
  records_unchanged     bigint not null default 0,
  records_rejected      bigint not null default 0,
  observations_inserted bigint not null default 0,
  observations_updated  bigint not null default 0,
  observations_removed  bigint not null default 0,
  observations_unchanged bigint not null default 0,
  events_written        bigint not null default 0,
  cursor_before         jsonb,
  cursor_after          jsonb,
  error                 jsonb       -- { code, message, causes: [...] }
);
create index sync_run_connection_idx on sync_run (connection_id, id desc);

create table sync_state (
  connection_id text not null references connection (id) on delete cascade,
  stream        text not null,
  cursor        jsonb,
  sync_run_id   bigint references sync_run (id),
  updated_at    timestamptz not null default now(),
  primary key (connection_id, stream)
);

-- Tables written once per record (raw_record, source_record, observation_contribution, observation_revision)
-- carry no foreign keys: the pipeline writes them only from references it has just validated, and per-row
-- foreign-key triggers would cost more than the writes themselves.
create table raw_record (
  id            bigint generated always as identity primary key,
  connection_id text not null,
  stream        text not null,
  source_key    text not null,
  content_hash  bytea not null,       -- sha256 of the canonical payload: an unchanged record is not stored again
  payload       jsonb not null,
  fetched_at    timestamptz not null default now(),
  sync_run_id   bigint not null,
  unique (connection_id, stream, source_key, content_hash)
);
create index raw_record_run_idx on raw_record (sync_run_id);

create table rejected_record (
  id            bigint generated always as identity primary key,
  connection_id text not null references connection (id),
  sync_run_id   bigint references sync_run (id),
  stream        text,
  raw_record_id bigint references raw_record (id),
  code          text not null,        -- stable reason code
  reason        text not null,        -- human-readable, says what to fix
  location      jsonb not null,       -- file/line, page/index, row number ...
  payload       jsonb,
  created_at    timestamptz not null default now(),
  resolved_at   timestamptz
);
create index rejected_record_connection_idx on rejected_record (connection_id, id desc);

create table observation (
  id             bigint generated always as identity primary key,
  indicator_code text not null references indicator (code),
  unit_id        bigint not null references admin_unit (id),
  period_code    text not null references period (code),
  value          numeric not null,
  status         text not null check (status in ('final', 'provisional', 'estimated')),
  measure_unit   text not null,
  connection_id  text,                -- provenance: the connection and run that last changed the value
  sync_run_id    bigint,
  -- Raw records behind the value: kept as an array so a page of observations is one multi-row upsert.
  raw_record_ids bigint[] not null default '{}',
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  unique (indicator_code, unit_id, period_code)
);
create index observation_unit_period_idx on observation (unit_id, period_code);

-- Every change of an observation. Keyed by the observation's natural key so history outlives a removal.
create table observation_revision (
  id             bigint generated always as identity primary key,
  indicator_code text not null,
  unit_id        bigint not null,
  period_code    text not null,
  change         text not null check (change in ('insert', 'update', 'remove')),
  old_value      numeric,
  new_value      numeric,
  old_status     text,
  new_status     text,
  connection_id  text,
  sync_run_id    bigint,
  changed_at     timestamptz not null default now()
);
create index observation_revision_key_idx on observation_revision (indicator_code, unit_id, period_code, id);

create table outbox_event (
  -- Publication order, and the stable event id consumers deduplicate on (a redelivery carries the same one).
  seq          bigint generated always as identity primary key,
  type         text not null,
  subject      text not null,
  data         jsonb not null,
  created_at   timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_event_unpublished_idx on outbox_event (seq) where published_at is null;
