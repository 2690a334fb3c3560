#!/usr/bin/env bash
# `make run`: the development server and, beside it, the background worker, as in production.
# The worker sends the outbox's queued email every WORKER_INTERVAL seconds (printed here by the
# console backend unless DELIVERY_EMAIL_BACKEND says otherwise) and runs the daily reminders.
# CTRL-C, or the server stopping for any reason, stops the worker too.
#   scripts/run-dev.sh                       # http://127.0.0.1:8000
#   HOST=0.0.0.0 PORT=8201 scripts/run-dev.sh
# Emailed links follow HOST and PORT unless SITE_URL is set (srp/site_url.py).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PY:-.venv/bin/python}
export DEBUG=${DEBUG:-true}
export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000}
interval=${WORKER_INTERVAL:-2}

worker=""
stop_worker() {
  if [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null; then
    kill -TERM "$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
  fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$py" manage.py run_worker --interval "$interval" &
worker=$!
echo "srp: worker started (pid $worker); queued email is sent every ${interval}s and printed below."
"$py" manage.py runserver "$HOST:$PORT"
