#!/usr/bin/env bash
# Installs srp's Python packages into a virtual environment, creating it when absent. The
# Makefile (`make run`, `make test`), CI and the Dockerfile all install through this script.
#   scripts/python-deps.sh VENV PYTHON EXTRAS     e.g. .venv python3 test   or   /opt/venv python3 sentry
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1 python=${2:-python3} extras=${3:-}
if [ ! -x "$venv/bin/python" ]; then
  "$python" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' || {
    echo "srp needs Python 3.11, 3.12 or 3.13; $python is $("$python" --version 2>&1)" >&2
    exit 1
  }
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet -e ".${extras:+[$extras]}"
