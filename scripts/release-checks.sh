#!/usr/bin/env bash
# What a release is built with, in the container image and in CI alike: the hashed static files
# (collectstatic) and Django's deployment checks with production settings.
#   scripts/release-checks.sh PYTHON
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
# Placeholders for the build only: the real values come from the environment at run time.
export DEBUG=false STATIC_MANIFEST=true
export SECRET_KEY=${SECRET_KEY:-build-only-placeholder-key-never-used-to-serve-0123456789abcdef}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost} CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/0}
export DATABASE_URL=${DATABASE_URL:-sqlite:////tmp/srp-build-check.sqlite3}
"$python" manage.py collectstatic --noinput --verbosity 0
"$python" manage.py check --deploy --fail-level WARNING
"$python" manage.py makemigrations --check --dry-run >/dev/null
