-- A page's observation changes are one outbox row naming the revisions it wrote, not one row each: writing an
-- event row per observation cost about a fifth of a page. The relay renders one event per revision (its id comes
-- from the revision's), in revision order within the row. Other events (sync runs, rolled-up values) keep their
-- subject and data in the row.
alter table outbox_event add column revision_ids bigint[];
alter table outbox_event alter column subject drop not null, alter column data drop not null;
alter table outbox_event add constraint outbox_event_payload
  check (case when revision_ids is null then subject is not null and data is not null else subject is null and data is null end);
