# Coachsite: `make run` serves the app with demo data, `make test` runs every test.
# Both set everything up first (virtualenv, Python and npm packages, static files).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development defaults; production sets its own environment (see README).
# Links in emails follow the port served on; an explicit SITE_URL still wins.
SITE_URL ?= http://127.0.0.1:$(PORT)
DEV_ENV := DJANGO_DEBUG=1 SITE_URL=$(SITE_URL)
# Tests run in this many pytest-xdist workers (auto: one per CPU core; 0: in
# pytest's own process), each with its own test database (test_<name>_gw0,
# _gw1, ...). A worker out of tests takes some from another's queue (worksteal),
# so neither sits idle while the other still has a queue.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist worksteal

.PHONY: help run worker test fuzz setup check-prereqs venv deps assets migrate demo lint format clean benchmark benchmark-inprocess scale-check

help:
	@echo "make run    set up, migrate, load demo data and serve on http://127.0.0.1:$(PORT), with the worker"
	@echo "make worker set up, migrate and run just the worker (emails, reminder sweep)"
	@echo "make test   set up and run the whole test suite on every core (DATABASE_URL selects the database)"
	@echo "make fuzz   a long fuzzing run of every form: new random inputs, FUZZ_EXAMPLES (1000) per form"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check"

check-prereqs:
	@if [ -n "$${PYTHON:-}" ]; then candidates="$$PYTHON"; else candidates="python3.13 python3.12 python3.11 python3"; fi; \
	found=""; for p in $$candidates; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then found=$$(command -v $$p); break; fi; \
	done; \
	if [ -z "$$found" ]; then echo "ERROR: Python 3.11 or newer is required (tried: $$candidates). Install it, or point PYTHON=/path/to/python3.11 at one." >&2; exit 1; fi; \
	echo "$$found" > .python-path; \
	if ! command -v npm >/dev/null 2>&1; then echo "ERROR: npm is required to install Bootstrap (Node.js 18 or newer). Install Node.js and npm, then run make again." >&2; exit 1; fi

venv: check-prereqs
	@if [ ! -x $(PY) ]; then echo "==> Creating $(VENV) with $$(cat .python-path)"; "$$(cat .python-path)" -m venv $(VENV); fi

$(VENV)/.deps-stamp: pyproject.toml | venv
	@echo "==> Installing Python packages into $(VENV)"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

deps: venv $(VENV)/.deps-stamp

node_modules/.stamp: package.json package-lock.json
	@echo "==> Installing front-end packages (npm ci; no install scripts: none of them needs one)"
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

assets: check-prereqs node_modules/.stamp
	@echo "==> Copying Bootstrap (CSS, JS) and axe-core into static/vendor"
	@mkdir -p static/vendor/bootstrap static/vendor/axe-core
	@cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	@cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	@cp node_modules/axe-core/axe.min.js static/vendor/axe-core/

setup: deps assets

migrate: setup
	@echo "==> Migrating the database"
	@$(DEV_ENV) $(PY) manage.py migrate --no-input -v0

demo: migrate
	@echo "==> Loading demo data"
	@$(DEV_ENV) $(PY) manage.py load_demo

# The worker (emails, the reminder sweep) runs beside the web server, in its own
# process group; however the recipe ends (Ctrl-C, kill, runserver failing) the
# EXIT trap stops that group and the server, so nothing is left running.
run: demo
	@echo "==> Serving on http://127.0.0.1:$(PORT); links in emails use $(SITE_URL)  (Ctrl-C stops the server and the worker)"
	@server=; set -m; $(DEV_ENV) $(PY) manage.py db_worker --interval 2 </dev/null & worker=$$!; set +m; \
	trap 'trap - EXIT; [ -z "$$server" ] || kill $$server 2>/dev/null || true; kill -- -$$worker 2>/dev/null || true; wait 2>/dev/null || true; echo "==> Server and worker stopped"' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	echo "==> Worker started (pid $$worker): emails and the reminder sweep every $${REMINDER_SWEEP_MINUTES:-5} minutes"; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT) <&0 & server=$$!; wait $$server

worker: migrate
	@echo "==> Worker: emails and the reminder sweep every $${REMINDER_SWEEP_MINUTES:-5} minutes  (Ctrl-C to stop)"
	@$(DEV_ENV) $(PY) manage.py db_worker

test: setup
	@echo "==> Running the test suite on $${DATABASE_URL:-SQLite} ($(TEST_WORKERS) workers)"
	@rm -rf test-artifacts && mkdir -p test-artifacts
	@$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)
	@echo "==> Browser screenshots: $(CURDIR)/test-artifacts/"

# Every push fuzzes each form with the same 50 inputs (HYPOTHESIS_PROFILE=ci);
# this run tries new random ones, FUZZ_EXAMPLES per form (tests/conftest.py).
fuzz: setup
	@echo "==> Fuzzing every form with $${FUZZ_EXAMPLES:-1000} random inputs each on $${DATABASE_URL:-SQLite}"
	@HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest $(PYTEST_PARALLEL) tests/matrix/test_fuzz_forms.py $(PYTEST_ARGS)

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: setup
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles test-artifacts .python-path db.sqlite3 db.sqlite3-wal db.sqlite3-shm

# What a user feels: gunicorn + wrk on throw-away PostgreSQL databases
# (coachsite_bench_*, on the server of BENCH_DATABASE_URL or DATABASE_URL).
benchmark: setup
	@$(PY) scripts/loadtest.py $(BENCH_ARGS)

# In-process only: the test client's timings, query counts and memory per page.
benchmark-inprocess: setup
	@echo "==> Benchmark on $${DATABASE_URL:-SQLite} (throw-away database)"
	@$(PY) scripts/benchmark.py $(BENCH_ARGS)

# Two app servers, two workers, one PostgreSQL behind nginx, under locust, with
# a worker and an app server killed (-9) and PostgreSQL restarted: are emails
# lost, stuck or doubled? (SCALE_USERS, SCALE_DURATION; README "Scaling out")
scale-check: setup
	@bash scripts/scale_check.sh
