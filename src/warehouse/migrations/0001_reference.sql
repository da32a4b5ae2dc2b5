-- Reference dimensions: indicators, administrative units (versioned), periods, targets.
create extension if not exists btree_gist;

create table indicator (
  code               text primary key check (code ~ '^[A-Z][A-Z0-9_]*$'),
  name_vi            text not null,
  name_en            text not null,
  measure_unit       text not null,
  direction          text not null check (direction in ('higher_is_better', 'lower_is_better')),
  -- How values combine across administrative units and across periods (month -> quarter -> year).
  unit_aggregation   text not null check (unit_aggregation in ('sum', 'ratio', 'weighted_mean', 'mean', 'last', 'none')),
  period_aggregation text not null check (period_aggregation in ('sum', 'ratio', 'weighted_mean', 'mean', 'last', 'none')),
  weight_indicator   text references indicator (code),
  -- Derived indicators: ratio = factor * sum(numerator) / sum(denominator); growth = factor * (this year / last year - 1).
  derivation         text check (derivation in ('ratio', 'growth')),
  numerator          text[],
  denominator        text[],
  factor             numeric,
  description        text,
  check ((unit_aggregation = 'weighted_mean') = (weight_indicator is not null)),
  check (derivation is null or factor is not null),
  check (derivation <> 'ratio' or (numerator is not null and denominator is not null)),
  check (derivation <> 'growth' or (numerator is not null and cardinality(numerator) = 1))
);

create table admin_unit (
  id            bigint generated always as identity primary key,
  code          text not null check (code ~ '^[0-9A-Z]+$'),
  level         text not null check (level in ('country', 'province', 'commune')),
  name          text not null,
  name_en       text,
  kind          text,                 -- Tỉnh, Thành phố, Xã, Phường, Đặc khu, Thị trấn ...
  parent_id     bigint references admin_unit (id),
  district_code text,                 -- legacy communes only: districts were abolished on 2025-07-01
  district_name text,
  valid_from    date,                 -- null: since before the records we hold
  valid_to      date,                 -- inclusive; null: still valid
  validity      daterange not null generated always as (daterange(valid_from, valid_to, '[]')) stored,
  source        text not null,        -- file the row came from
  -- A code names at most one unit of a level on any day: 91 is Kiên Giang until 2025-06-30, An Giang after.
  exclude using gist (level with =, code with =, validity with &&),
  unique (level, code, valid_from)
);
create index admin_unit_parent_idx on admin_unit (parent_id);

-- Which legacy unit went to which unit, and when. A divided legacy commune has several successors.
create table admin_unit_succession (
  predecessor_id bigint not null references admin_unit (id),
  successor_id   bigint not null references admin_unit (id),
  effective_from date not null,
  divided        boolean not null default false,
  source         text not null,
  primary key (predecessor_id, successor_id)
);
create index admin_unit_succession_successor_idx on admin_unit_succession (successor_id);

-- Free-text names to units. `exact_key` keeps diacritics, `ascii_key` drops them; both are lower case,
-- NFC, without administrative prefixes and punctuation. Which unit a key means depends on the date.
create table admin_unit_name (
  unit_id   bigint not null references admin_unit (id) on delete cascade,
  exact_key text not null,
  ascii_key text not null,
  origin    text not null check (origin in ('official', 'english', 'alias')),
  primary key (unit_id, exact_key)
);
create index admin_unit_name_exact_idx on admin_unit_name (exact_key);
create index admin_unit_name_ascii_idx on admin_unit_name (ascii_key);

create table period (
  code       text primary key check (code ~ '^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$'),
  kind       text not null check (kind in ('year', 'quarter', 'month')),
  year       integer not null,
  starts_on  date not null,
  ends_on    date not null,          -- inclusive
  parent     text references period (code),
  check (starts_on <= ends_on)
);
create index period_range_idx on period (starts_on, ends_on);

create table target_document (
  id        text primary key,
  title     text not null,
  number    text,
  issued_on date,
  issuer    text not null,
  seeds     text[] not null default '{}'
);

create table target (
  id             bigint generated always as identity primary key,
  document_id    text not null references target_document (id),
  indicator_code text not null references indicator (code),
  unit_id        bigint not null references admin_unit (id),
  year           integer not null,
  comparison     text not null check (comparison in ('gt', 'gte', 'lt', 'lte', 'eq', 'top', 'range')),
  value          numeric,
  value_max      numeric,
  -- point: the value in that year; every_year: each year up to it; annual_average: average yearly figure up to it.
  basis          text not null default 'point' check (basis in ('point', 'every_year', 'annual_average')),
  note           text,
  check ((comparison = 'range') = (value_max is not null)),
  check (value is not null),
  unique (document_id, indicator_code, unit_id, year)
);
