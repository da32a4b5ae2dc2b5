-- Issue 16, part 4: the places each indicator's values are rounded to in text (CLI tables, progress sentences);
-- JSON keeps the exact value. 0 for counts, 2 for percentages, 1 for per-10,000 (config/indicators.yaml).
alter table indicator add column decimals smallint not null default 2 check (decimals between 0 and 6);
