#!/usr/bin/env bash
# Throughput of the catalogue and a product page under gunicorn (-w 2) on a throwaway SQLite shop with
# the demo data, measured with wrk -t2 -c32 for $DURATION seconds each (default 10). Also prints how
# many SQL statements each page runs, which must not grow with the number of products shown.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
scripts/bootstrap
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite:///$work/bench.db" STORAGE_LOCAL_ROOT="$work/storage" SECRET_KEY=bench-secret-key-bench-secret-key-xx
export FLASK_APP=wsgi
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask seed-demo >/dev/null 2>&1
.venv/bin/python bench/count_queries.py
.venv/bin/gunicorn wsgi:app --workers 2 --bind 127.0.0.1:5099 --log-level warning &
server=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:5099/healthz >/dev/null && break; sleep 0.2; done
for path in / "/?q=print&sort=price_asc" /products/brass-pen; do
  printf '%-28s ' "$path"
  wrk -t2 -c32 -d"${DURATION:-10}"s "http://127.0.0.1:5099$path" | awk '/Requests\/sec/ {print $2 " req/s"}'
done
