-- Issue 16: stewards fix rejected records and reprocess them.
--
-- A steward's alias: a name (a misspelling, an old spelling a source keeps writing) that means the unit of (level,
-- code) on the days of its validity. Kept apart from admin_unit_name, which `lgsp reference load` rewrites from the
-- files: a steward's alias outlives reloads, and it is dated. One name means one unit at a level on any day.
create table unit_alias (
  id          bigint generated always as identity primary key,
  name        text not null,
  exact_key   text not null check (exact_key <> ''),
  ascii_key   text not null,
  level       text not null check (level in ('province', 'commune')),
  code        text not null,
  valid_from  date,
  valid_to    date,            -- inclusive
  validity    daterange not null generated always as (daterange(valid_from, valid_to, '[]')) stored,
  note        text,
  created_by  text not null,
  created_at  timestamptz not null default now(),
  check (valid_from is null or valid_to is null or valid_from <= valid_to),
  constraint unit_alias_one_meaning exclude using gist (exact_key with =, level with =, validity with &&)
);
create index unit_alias_ascii_idx on unit_alias (ascii_key);

-- A rejected record normalised again without error is resolved by the run that did it.
alter table rejected_record add column resolved_by_run_id bigint references sync_run (id);
create index rejected_record_open_idx on rejected_record (connection_id, code) where resolved_at is null;

-- A reprocess run normalises chosen rejected records again from the landing zone, without fetching.
alter table sync_run drop constraint sync_run_mode_check;
alter table sync_run add constraint sync_run_mode_check check (mode in ('incremental', 'full_refresh', 'backfill', 'replay', 'reprocess'));
