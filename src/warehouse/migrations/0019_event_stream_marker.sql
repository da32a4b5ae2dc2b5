-- What the outbox relay last saw of each Redis Stream it publishes to, so that it notices when the stream lost
-- entries it had published (Redis restarted without persistence, FLUSHALL, failover to an empty replica, the key
-- deleted): Redis counts every entry ever added to a stream (entries-added), and a new stream starts again at 0.
create table event_stream_marker (
  stream_key          text primary key,
  -- The stream after the relay's last append: entries ever added, the last entry id, entries held.
  entries_added       bigint not null,
  last_entry_id       text not null,
  length              bigint not null,
  -- Losses noticed, and the events republished from the outbox after them (for /metrics).
  resets              bigint not null default 0,
  republished_events  bigint not null default 0,
  -- The latest loss: a subscriber resuming from an entry id up to this one resumes across it (told of a gap).
  lost_through_id     text,
  reset_at            timestamptz,
  updated_at          timestamptz not null default now()
);
