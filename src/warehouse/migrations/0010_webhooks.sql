-- Webhook subscriptions: who receives which change events (each filter list empty = all).
-- The signing secret is kept as is, unlike API keys (0009), which keep only a hash: a hash verifies a secret
-- presented to us, but the dispatcher must itself compute HMAC-SHA256(secret, "<t>.<body>") for every delivery,
-- which needs the secret. It is shown once at creation and never returned again; protect this table (and its
-- backups) like the credentials it is.
create table webhook_subscription (
  id text primary key,
  url text not null check (url ~ '^https?://'),
  description text,
  event_types text[] not null default '{}',
  indicators text[] not null default '{}',
  units text[] not null default '{}',
  secret text not null,
  -- The Redis Stream entry the subscription starts after (the stream's last entry at creation): its consumer
  -- group is created there, and recreated there if Redis lost it.
  stream_start_id text not null,
  created_at timestamptz not null default now(),
  -- Every failed attempt (network error, timeout, non-2xx), counted for monitoring.
  failed_attempts bigint not null default 0,
  last_failure_at timestamptz,
  last_failure text
);

-- Events given up on after the last attempt. One per (subscription, stream entry): a dispatcher that dies
-- between writing it and acknowledging the entry writes the same row again, not a second one.
create table webhook_dead_letter (
  id bigserial primary key,
  subscription_id text not null references webhook_subscription (id) on delete cascade,
  stream_entry_id text not null,
  event_id text not null,
  event_type text not null,
  subject text not null,
  -- The CloudEvent exactly as it was sent (json keeps the text, so a redelivery sends the same bytes).
  event json not null,
  attempts int not null,
  last_status int,
  last_error text,
  failed_at timestamptz not null default now(),
  redelivered_at timestamptz,
  unique (subscription_id, stream_entry_id)
);
create index webhook_dead_letter_pending_idx on webhook_dead_letter (subscription_id) where redelivered_at is null;

-- Wakes the webhook dispatcher when subscriptions change, so a new one is served (and a removed one stopped) at once.
create function lgsp_webhooks_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('lgsp_webhooks', '');
  return null;
end
$$;
-- Not on the failure counters: a failing receiver must not make the dispatcher re-read everything.
create trigger webhook_subscription_notify
  after insert or delete or update of url, description, event_types, indicators, units, secret, stream_start_id on webhook_subscription
  for each statement execute function lgsp_webhooks_notify();
