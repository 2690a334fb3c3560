# The two commands of the README: `make run` and `make test`.
# Python 3.11 to 3.13: `python3` when it is one of them, else the first python3.1x on PATH.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv system-deps migrate seed clean messages

$(STAMP): pyproject.toml
	@test -x $(PY) || test -n "$(PYTHON)" || { echo "srp needs Python 3.11, 3.12 or 3.13 (python3 is $$(python3 --version 2>&1)); install one, or run make PYTHON=/path/to/python3.12" >&2; exit 1; }
	./scripts/python-deps.sh $(VENV) $(PYTHON) test
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

# axe-core, injected into pages by the browser tests' accessibility checks.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages for PDFs (fonts), PDF checks and browser tests; installed when missing and root.
system-deps:
	@./scripts/system-deps.sh

migrate: venv
	DEBUG=true $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=true $(PY) manage.py seed_demo

# The server and the worker that sends queued email (to the console); CTRL-C stops both.
run: system-deps seed
	DEBUG=true HOST=$(HOST) PORT=$(PORT) PY=$(PY) ./scripts/run-dev.sh

# Tests run in parallel on every core (pytest-xdist); PYTEST_ARGS="-n 0 -k …" for one at a time.
PYTEST_ARGS ?= -n auto
test: venv system-deps node_modules/axe-core/axe.min.js
	$(PY) -m pytest $(PYTEST_ARGS)

# Type-checked with no error allowed (with srp/); elsewhere the error count may only fall.
MYPY_STRICT := agreements/identity.py complaints/roster.py complaints/dashboard.py \
	incidents/paging.py incidents/dashboard.py incidents/selectors.py reports/presentation.py \
	reports/charts.py retention/

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) -m mypy --cache-dir .mypy_cache/strict srp/ $(MYPY_STRICT)
	DEBUG=true $(PY) scripts/mypy_ratchet.py

messages: venv
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 media
