-- Issue 16: a name of a unit merged before the day it was written resolves to the unit's successor. That is kept
-- in provenance: on each contribution, on the observation (true when any contribution of the connection it comes
-- from was resolved so), and counted on the run.
alter table observation_contribution add column via_succession boolean not null default false;
alter table observation add column units_via_succession boolean not null default false;
alter table sync_run add column units_via_succession integer not null default 0;
