-- The figures the provinces report, materialised: every indicator for every province (current and legacy) and
-- period a synced observation feeds, rolled up (communes -> province, months -> quarter -> year, legacy ->
-- successor) and derived (ratios, growth) by the catalogue's rules. Downstream reads these, with their events.
create table indicator_value (
  indicator_code text not null references indicator (code),
  unit_id        bigint not null references admin_unit (id),
  period_code    text not null references period (code),
  value          numeric not null,
  notes          jsonb not null default '[]',
  sync_run_id    bigint references sync_run (id),
  computed_at    timestamptz not null default now(),
  primary key (indicator_code, unit_id, period_code)
);
create index indicator_value_unit_period_idx on indicator_value (unit_id, period_code);

-- Keys whose value may have changed: marked in the page's transaction, recomputed in batches after it.
-- Durable, so a crash between the two loses no recomputation.
create table indicator_value_dirty (
  indicator_code text not null,
  unit_id        bigint not null,
  period_code    text not null,
  marked_at      timestamptz not null default now(),
  primary key (indicator_code, unit_id, period_code)
);
