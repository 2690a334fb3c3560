#!/usr/bin/env bash
# The benchmark, from one command (issue #8; method and figures in docs/performance.md):
#
#     bench/run.sh
#
# Against the local PostgreSQL (DATABASE_URL, default the srp_bench database, created if
# missing): migrates, seeds the scale district once (bench/seed_scale.py; 100 schools, 5 years,
# 200,000 calls, ~1,000,000 students, 100,000 complaints, 2,000 staff), then bench/harness.py
# measures the report and CSV import offline, starts gunicorn (2 sync workers, DEBUG off) on
# 127.0.0.1 only, loads each page with wrk at 8 connections, runs the public submission client,
# stops gunicorn and prints the table. Results go to bench/results/ (git-ignored).
#
# Knobs: BENCH_SEED_ARGS (e.g. "--calls 20000 --complaints 10000"), BENCH_DURATION (seconds per
# page, default 15), BENCH_SUBMISSIONS (default 1500), BENCH_IMPORT_ROWS (default 200000),
# BENCH_IMPORT_ROWS_LARGE (default 1000000; 0 skips), BENCH_PORT (default 8765).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y --no-install-recommends wrk" >&2; exit 2; }
PYTHON=${PYTHON:-.venv/bin/python}

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/srp_bench}
export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=false BENCHMARK_FLOOR_VIEW=true
# All the traffic comes from one address: lift the per-IP limits for this run only.
export RATELIMIT_PUBLIC_POST=1000000/m RATELIMIT_PUBLIC_GET=1000000/m
export LOG_LEVEL=WARNING
# As in production with several workers (README, Deploying): one cache shared by the workers, in
# the database, so that a write seen by one worker makes the other's cached figures stale.
export CACHE_URL=${CACHE_URL:-dbcache://srp_cache}
export BENCH_CODE=${BENCH_CODE:-99100}

mkdir -p bench/results
"$PYTHON" -m bench.ensure_db
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py createcachetable

if [ ! -f "bench/results/seed-${BENCH_CODE}.json" ] || ! "$PYTHON" -m bench.ensure_db --has-district "$BENCH_CODE"; then
  echo "Seeding the scale district ${BENCH_CODE} (progress below)…" >&2
  # shellcheck disable=SC2086
  /usr/bin/time -v -o bench/results/seed-time.txt \
    "$PYTHON" -m bench.seed_scale --district-code "$BENCH_CODE" ${BENCH_SEED_ARGS:-}
fi
if [ ! -f bench/results/seed-99101.json ] || ! "$PYTHON" -m bench.ensure_db --has-district 99101; then
  # A small district to import CSV files into (its schools and staff badges).
  "$PYTHON" -m bench.seed_scale --district-code 99101 --schools 10 --years 2 --calls 0 \
    --complaints 0 --staff 50 >/dev/null
fi

exec "$PYTHON" -m bench.harness
