# Two commands matter: `make run` (install everything, load the plan and the
# demo, serve http://127.0.0.1:8000) and `make test` (the whole suite).
# Both are safe to run again. DATABASE_URL=postgres://… switches to PostgreSQL.

SHELL := /bin/bash
# The first interpreter that is Python 3.12 or newer.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := static/vendor
NODE := node_modules
export DJANGO_ALLOW_ASYNC_UNSAFE := true
# Settings fail closed (DEBUG off) unless told otherwise: `make run` is development.
DEV := DJANGO_DEBUG=true

.PHONY: run install static db test test-fast lint format check clean

run: install static db
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (see README)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# uv (pinned, and itself in the lock) installs exactly what uv.lock says, with
# its hashes: `uv sync --locked` fails if the lock no longer matches pyproject.
UV_VERSION := 0.13.9
$(VENV)/.installed: pyproject.toml uv.lock | $(PY)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --locked --quiet --python $(PY)
	touch $@

$(NODE)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

install: $(VENV)/.installed $(NODE)/.installed $(VENDOR)/.copied

# The design system, icons and fonts, copied from node_modules so that
# Django's static finders and whitenoise serve them (nothing from a CDN).
$(VENDOR)/.copied: $(NODE)/.installed scripts/vendor_static.sh
	bash scripts/vendor_static.sh
	touch $@

static: install
	$(DEV) $(PY) manage.py collectstatic --noinput --verbosity 0

db: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py carregar_plano
	$(DEV) $(PY) manage.py carregar_demo

# Tests marked postgres need PostgreSQL: the SQLite pass deselects them (CI
# fails on a skip, never on a deselection). Two workers on this 2-core machine.
ifneq (,$(findstring postgres,$(DATABASE_URL)))
SO_NESTE_BANCO :=
else
SO_NESTE_BANCO := -m "not postgres"
endif
PYTEST_WORKERS ?= 2
# worksteal: a worker that runs out of tests takes some of the other's, so a
# long test near the end does not leave one core idle.
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist worksteal

# The whole suite: unit, integration, browser (Chromium) and HTML validation.
test: install
	bash scripts/ensure_test_tools.sh
	$(PY) -m pytest $(PYTEST_XDIST) $(SO_NESTE_BANCO)

# Everything but the browser tests, for a quick loop while coding.
test-fast: install
	$(PY) -m pytest $(PYTEST_XDIST) -m "not browser$(if $(SO_NESTE_BANCO), and not postgres)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(NODE) $(VENDOR) staticfiles
