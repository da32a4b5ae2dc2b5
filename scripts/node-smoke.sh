#!/usr/bin/env bash
# Smoke run on the other Node.js LTS lines (default 22 and 24; NODE_SMOKE_VERSIONS="22 24"), each taken from the npm
# registry's `node` package: migrate, the demo (reference data, emulators, a worker, syncs, the table), then the
# API (`lgsp serve`): /health, and the warehouse with a fresh key. Each run has its own database, queue prefix and
# stream, so it never touches the main installation. The full suite runs on the machine's Node (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
pg_admin_url="${NODE_SMOKE_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

for major in ${NODE_SMOKE_VERSIONS:-22 24}; do
  node_bin=$(npm exec --yes --package="node@$major" -- node -p 'process.execPath')
  echo "== Node.js $("$node_bin" --version) ($node_bin)"
  name="lgsp_node_smoke_${major}_$$"
  psql "$pg_admin_url" -qc "create database $name"
  export DATABASE_URL="${pg_admin_url%/*}/$name" LGSP_QUEUE_PREFIX="$name" LGSP_EVENTS_STREAM="$name:events" LGSP_API_PORT=0 LOG_LEVEL=warn
  lgsp() { "$node_bin" --import tsx src/cli/main.ts "$@"; }
  serve_pid=''
  cleanup() {
    if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
    redis-cli --scan --pattern "$name:*" | xargs -r redis-cli del >/dev/null
    psql "$pg_admin_url" -qc "drop database if exists $name with (force)"
  }
  trap cleanup EXIT
  lgsp migrate
  lgsp demo
  port=$("$node_bin" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  key=$(lgsp apikey create --scopes read --name node-smoke --json | "$node_bin" -e 'let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => console.log(JSON.parse(s).key))')
  lgsp serve --port "$port" & serve_pid=$!
  # Until it answers (or the server process ended), at most a minute.
  for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
    kill -0 "$serve_pid" 2>/dev/null || { echo "lgsp serve ended on Node.js $major" >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health"; echo
  curl -fsS -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/indicators" | "$node_bin" -e 'let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => { const n = JSON.parse(s).items.length; if (n === 0) process.exit(1); console.log(`${n} indicators served`); })'
  cleanup
  trap - EXIT
  echo "== Node.js $major: migrate, demo and the API work"
done
