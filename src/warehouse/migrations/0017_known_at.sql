-- Issue 16, part 3: the warehouse as it was known at an instant (GET /v1/observations?knownAt=, lgsp query --known-at).
--
-- Observed values already have their history (observation_revision). A revision now also names the source records
-- behind the change (the observation's raw_record_ids: the records of the new value, or of the removed one) and
-- whether a unit was resolved through succession, so a value read back at an instant carries its provenance.
-- Null on revisions written before this migration: not recorded then.
alter table observation_revision add column raw_record_ids bigint[], add column units_via_succession boolean;

-- Computed values (indicator_value: rollups, ratios, growth) get the same history, written by the statement that
-- writes them (src/warehouse/indicator-values.ts). Like observation_revision, no foreign keys: written only from
-- keys just computed, and a removed connection's runs are detached from it (src/warehouse/connection-removal.ts).
create table indicator_value_revision (
  id             bigint generated always as identity primary key,
  indicator_code text not null,
  unit_id        bigint not null,
  period_code    text not null,
  change         text not null check (change in ('insert', 'update', 'remove')),
  old_value      numeric,
  new_value      numeric,
  notes          jsonb,                -- how the new value was formed; null on a remove
  sync_run_id    bigint,               -- the run whose refresh recomputed it
  changed_at     timestamptz not null default now()
);
-- One descent per key in key order: the history of a key, and a knownAt page (latest revision at or before the
-- instant per key, src/warehouse/observation-pages.ts).
create index indicator_value_revision_key_idx on indicator_value_revision (indicator_code, unit_id, period_code, id);

-- What is there today was inserted when it was last computed: its history starts there.
insert into indicator_value_revision (indicator_code, unit_id, period_code, change, old_value, new_value, notes, sync_run_id, changed_at)
select indicator_code, unit_id, period_code, 'insert', null, value, notes, sync_run_id, computed_at
from indicator_value
order by computed_at, indicator_code, unit_id, period_code;
