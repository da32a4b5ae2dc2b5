-- Rotating a webhook secret: the secret it replaces keeps signing (a second v1 in X-Lgsp-Signature) until
-- previous_secret_expires_at, so a receiver can switch to the new one without refusing a delivery meanwhile.
alter table webhook_subscription
  add column previous_secret text,
  add column previous_secret_expires_at timestamptz,
  add constraint webhook_subscription_previous_secret check ((previous_secret is null) = (previous_secret_expires_at is null));
