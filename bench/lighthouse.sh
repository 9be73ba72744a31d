#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the catalogue, a product page and the cart,
# on a throwaway SQLite shop with the demo data under gunicorn, in Debian's chromium (never a downloaded browser).
# npm's lighthouse is installed once into bench/.lighthouse. FORM_FACTOR=mobile (default: Lighthouse's throttled
# phone) or desktop. Prints a table and writes bench/results/lighthouse-<time>.json; exits 1 if a score is < 95.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-5098}
lh=bench/.lighthouse/node_modules/.bin/lighthouse
[ -x /usr/bin/chromium ] || { apt-get install -y -qq chromium >/dev/null; }
[ -x "$lh" ] || npm install --silent --no-audit --no-fund --prefix bench/.lighthouse lighthouse@13.5.0
scripts/bootstrap >/dev/null
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="sqlite:///$work/lh.db" STORAGE_LOCAL_ROOT="$work/storage" SECRET_KEY=bench-secret-key-bench-secret-key-xx
export FLASK_APP=wsgi BASE_URL="http://127.0.0.1:$port"
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask seed-demo >/dev/null 2>&1
product=$(.venv/bin/python -c "from bench.lighthouse_report import first_product; print(first_product())")
.venv/bin/gunicorn wsgi:app --workers 2 --bind "127.0.0.1:$port" --log-level warning &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
preset=()
[ "${FORM_FACTOR:-mobile}" = desktop ] && preset=(--preset=desktop)
for page in catalogue:/ product:/products/$product cart:/cart/; do
  name=${page%%:*}
  CHROME_PATH=/usr/bin/chromium "$lh" "http://127.0.0.1:$port${page#*:}" "${preset[@]}" --quiet \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --output=json --output-path="$work/$name.json" >/dev/null
done
.venv/bin/python -m bench.lighthouse_report "$work" "${FORM_FACTOR:-mobile}"
