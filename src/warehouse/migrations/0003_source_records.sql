-- The current version of every source record, and what each contributes to observations.
--
-- Several records can add to one observation (a province-month of dossiers is the sum of its agencies' rows),
-- and a record can be revised or withdrawn. So a record's figures are kept as contributions, replaced whenever
-- the record changes, and an observation is recomputed from the contributions of its key. This is what makes
-- every stage idempotent: replaying a page replaces contributions with themselves and changes nothing.
-- Like raw_record, these per-record tables carry no foreign keys (see 0002).

create table source_record (
  connection_id text not null,
  stream        text not null,
  source_key    text not null,
  content_hash  bytea not null,
  raw_record_id bigint not null,
  scope         text,
  -- Run that last saw a scoped record: a scope published in full drops the records it no longer has.
  seen_run_id   bigint,
  updated_at    timestamptz not null default now(),
  primary key (connection_id, stream, source_key)
);
create index source_record_scope_idx on source_record (connection_id, stream, scope) where scope is not null;

create table observation_contribution (
  connection_id  text not null,
  stream         text not null,
  source_key     text not null,
  indicator_code text not null,
  unit_id        bigint not null,
  period_code    text not null,
  value          numeric not null,
  status         text not null check (status in ('final', 'provisional', 'estimated')),
  raw_record_id  bigint not null,
  sync_run_id    bigint not null,
  updated_at     timestamptz not null default now(),
  primary key (connection_id, stream, source_key, indicator_code, unit_id, period_code)
);
create index observation_contribution_key_idx on observation_contribution (indicator_code, unit_id, period_code);

-- One active run per connection: a second request joins the active one (see sync_run status).
create unique index sync_run_one_active_idx on sync_run (connection_id) where status in ('queued', 'running');

-- Where a record sat in the source (page/index, file/line), so a replay can still say where a rejection came from.
alter table raw_record add column location jsonb;

-- How far each stream of a run has got: a run interrupted (SIGTERM, SIGKILL, a crash) resumes from here,
-- whatever its mode; sync_state keeps the cursor the next incremental run starts from.
create table sync_run_stream (
  sync_run_id bigint not null references sync_run (id) on delete cascade,
  stream      text not null,
  cursor      jsonb,
  done        boolean not null default false,
  updated_at  timestamptz not null default now(),
  primary key (sync_run_id, stream)
);
