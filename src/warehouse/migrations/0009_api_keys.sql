-- API keys of the HTTP API. The key is shown once at creation; only a SHA-256 of its secret part is kept
-- (keys are 256 random bits, so a fast hash is enough: there is nothing to brute-force).
create table api_key (
  id text primary key,
  name text not null,
  secret_sha256 bytea not null,
  scopes text[] not null check (cardinality(scopes) > 0 and scopes <@ array['read', 'operate', 'admin']),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
