#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are reachable. Shared by CI (.ci/run), `npm test` and users.
#   services.sh check    report what is reachable; exit 1 with how-to-start advice if not
#   services.sh ensure   start whatever is down (Docker compose if an engine runs, else the local services)
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lgsp}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# host and port out of a URL such as postgres://user:pw@host:5432/db
host_of() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; echo "${rest%%:*}"; }
port_of() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; [[ "$rest" == *:* ]] && echo "${rest##*:}" || echo "$2"; }

PG_HOST="$(host_of "$DATABASE_URL")"; PG_PORT="$(port_of "$DATABASE_URL" 5432)"
REDIS_HOST="$(host_of "$REDIS_URL")"; REDIS_PORT="$(port_of "$REDIS_URL" 6379)"

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
pg_up() { reachable "$PG_HOST" "$PG_PORT"; }
redis_up() { reachable "$REDIS_HOST" "$REDIS_PORT"; }

wait_for() { # name probe
  for _ in $(seq 1 60); do "$2" && return 0; sleep 0.5; done
  echo "services: $1 did not come up within 30 s" >&2; return 1
}

advice() {
  cat >&2 <<TXT
To start them:
  with Docker:       docker compose up -d            (from $here)
  local services:    bash scripts/services.sh ensure  (starts the Debian PostgreSQL cluster and redis-server)
Or point DATABASE_URL / REDIS_URL at servers you already run.
TXT
}

docker_engine() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

start_postgres() {
  if docker_engine; then (cd "$here" && docker compose up -d postgres); return; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    return
  fi
  echo "services: PostgreSQL is down at $PG_HOST:$PG_PORT and neither Docker nor a local cluster is available." >&2
  return 1
}

start_redis() {
  if docker_engine; then (cd "$here" && docker compose up -d redis); return; fi
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --maxmemory-policy noeviction --dir /var/lib/redis --logfile /var/log/redis/ci.log
    return
  fi
  echo "services: Redis is down at $REDIS_HOST:$REDIS_PORT and neither Docker nor redis-server is available." >&2
  return 1
}

case "${1:-check}" in
  check)
    ok=0
    pg_up || { echo "PostgreSQL is not reachable at $PG_HOST:$PG_PORT" >&2; ok=1; }
    redis_up || { echo "Redis is not reachable at $REDIS_HOST:$REDIS_PORT" >&2; ok=1; }
    [ "$ok" = 0 ] || advice
    exit "$ok"
    ;;
  ensure|up)
    pg_up || { echo "services: starting PostgreSQL" >&2; start_postgres; wait_for PostgreSQL pg_up; }
    redis_up || { echo "services: starting Redis" >&2; start_redis; wait_for Redis redis_up; }
    echo "services: PostgreSQL $PG_HOST:$PG_PORT and Redis $REDIS_HOST:$REDIS_PORT are up" >&2
    ;;
  *)
    echo "usage: $0 check|ensure" >&2; exit 2 ;;
esac
