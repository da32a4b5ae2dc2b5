-- Wakes the outbox relay as soon as events are committed (PostgreSQL delivers notifications at commit), so
-- delivery does not wait for a poll. One notification per statement: a page writes one outbox row.
create function lgsp_outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('lgsp_outbox', '');
  return null;
end
$$;
create trigger outbox_event_notify after insert on outbox_event for each statement execute function lgsp_outbox_notify();
