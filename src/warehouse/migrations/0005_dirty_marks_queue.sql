-- Dirty marks become an append-only queue: one row per mark, not per key. A page adds its marks without ever
-- waiting for a refresh that holds older marks of the same keys, so values can be refreshed alongside a running
-- sync. A refresh deletes exactly the marks it claimed; a mark added meanwhile stays for the next refresh.
alter table indicator_value_dirty drop constraint indicator_value_dirty_pkey;
alter table indicator_value_dirty add column id bigint generated always as identity primary key;
create index indicator_value_dirty_unit_idx on indicator_value_dirty (unit_id);
