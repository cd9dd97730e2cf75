# One command a job. `make run` serves the site; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cancerchoices.settings.local
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run stop worker test test-fast db lint format lock postgres-server chromium bench wrk redis-server backup restore port-free

# Two install stamps. RUNTIME: what serving the site needs (requirements.txt), for make run,
# worker, db, backup, restore and the benchmarks. DEV: the tests and tools on top
# (requirements-dev.txt), for make test, lint, format and lock. A changed pin redoes the stamps
# that depend on it; pip leaves alone whatever already matches, so nothing is reinstalled or
# downgraded. -qq: pip prints errors only.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

$(RUNTIME): requirements.txt
	@command -v python3 >/dev/null || { echo "Python 3.11 is required."; exit 1; }
	@test -d $(VENV) || { echo "Creating $(VENV) (the first time takes a few minutes)..."; \
	  python3 -m venv $(VENV); }
	@echo "Installing the site's packages (requirements.txt)..."
	@$(PY) -m pip install -qq --upgrade pip
	@$(PY) -m pip install -qq --require-hashes -r requirements.txt
	@touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	@echo "Installing the test and tooling packages (requirements-dev.txt)..."
	@$(PY) -m pip install -qq --require-hashes -r requirements-dev.txt
	@touch $@

# The machine's PostgreSQL server, installed from Debian's packages when missing.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { echo "Installing PostgreSQL (apt-get install postgresql)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

db: $(RUNTIME) postgres-server
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m cancerchoices.localdb start; fi

# Signal $(3) to the process in pid file $(1) if it still runs and its command line holds $(2)
# (a stale file may name another process by now), wait up to 60 s for it to end, remove the file.
stop_pidfile = pid=$$(cat $(1) 2>/dev/null); \
	if [ -n "$$pid" ] && tr "\0" " " 2>/dev/null </proc/$$pid/cmdline | grep -q -- "$(2)"; then \
	  echo "Stopping $(2) ($$pid)"; kill -$(3) "$$pid"; \
	  for _ in $$(seq 300); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.2; done; \
	fi; rm -f $(1)

# Before anything is installed or set up: is 127.0.0.1:$(PORT) free, and no gunicorn from an
# earlier `make run` in this folder still running? (scripts/check_port.py, standard library only)
port-free:
	@python3 scripts/check_port.py $(PORT) var/gunicorn.pid

# The site, and the background worker beside it (docs/worker.md), stopped when gunicorn stops.
# Prerequisites run in order: the port check comes first. Migrations and static files print
# only errors; the address and sign-ins come last, with gunicorn's warnings, errors and one line
# a request after them. The worker is stopped with SIGINT: it then finishes its current job,
# and ignores a second SIGINT (Ctrl+C reaches it too), where a second SIGTERM would kill it
# mid-job.
run: port-free db
	@echo "Migrating the database..."
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py load_demo
	@$(PY) manage.py collectstatic --no-input --verbosity 0
	@mkdir -p var
	@$(call stop_pidfile,var/worker.pid,procrastinate worker,INT)
	@echo
	@echo "  Site:   http://127.0.0.1:$(PORT)/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/  demo sign-ins, password demo-password:"
	@echo "            researcher  writes reviews and submits them"
	@echo "            consultant  gives the clinical approval, publishes"
	@echo "            editor      all but the clinical approval; people, glossary, categories"
	@echo "  The background worker beside the site prints the e-mail it sends here."
	@echo "  Stop with Ctrl+C, then 'make stop' to stop the database too."
	@echo
	@$(PY) manage.py procrastinate worker & worker=$$!; echo $$worker >var/worker.pid; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker; rm -f var/worker.pid' EXIT; \
	trap 'exit 130' INT TERM; \
	$(VENV)/bin/gunicorn cancerchoices.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) \
	  --pid var/gunicorn.pid --log-level warning

# One worker in the foreground, on every queue; Ctrl+C stops it once its current job is done.
worker: db
	$(PY) manage.py procrastinate worker

# Whatever `make run` left running (gunicorn, then its worker), then the database.
stop:
	@$(call stop_pidfile,var/gunicorn.pid,gunicorn,TERM)
	@$(call stop_pidfile,var/worker.pid,procrastinate worker,INT)
	@if [ -x $(PY) ]; then $(PY) -m cancerchoices.localdb stop; fi

# The benchmark drives load with wrk; the multi-server tests share one Redis.
wrk redis-server:
	@command -v $@ >/dev/null || { echo "Installing $@ (apt-get install $@)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $@ >/dev/null; }

# Requests/second of public pages under gunicorn, as ratios to a trivial view (docs/performance.md).
bench: db wrk
	$(PY) -m bench.run

# Browser tests need Chromium; Debian's package is the one Playwright drives here.
chromium:
	@command -v chromium >/dev/null || { echo "Installing Chromium (apt-get install chromium)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: export DJANGO_SETTINGS_MODULE = cancerchoices.settings.test
test: $(DEV) db chromium redis-server lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# The loop while working: every test but those marked browser, servers or slow (pyproject.toml),
# on a worker per core (pytest-xdist), each in a test database of its own (TEST_DATABASE_NAME
# with _gw0, _gw1... appended). Measured on 2 cores shared with other test runs: 80 to 118 s;
# with the slow test (40 to 80 s by itself) 88 to 155 s, so it waits for `make test`, which runs
# everything, serially, before a push and in CI.
test-fast: export DJANGO_SETTINGS_MODULE = cancerchoices.settings.test
test-fast: $(DEV) db
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -m "not browser and not servers and not slow" -n auto

# A database dump (pg_dump -Fc) and a tar of MEDIA_ROOT, in var/backups/<timestamp>/.
backup: db
	$(PY) manage.py backup

# Replaces the database and unpacks the media: make restore FILE=var/backups/<timestamp>
restore: db
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<timestamp>"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	@# The import graph runs one way: contracts in pyproject.toml.
	$(VENV)/bin/lint-imports --no-cache

format: $(DEV)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned, hashed requirement files from requirements*.in.
lock: $(DEV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile --python-version 3.11 --generate-hashes --no-header --no-emit-index-url requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --python-version 3.11 --generate-hashes --no-header --no-emit-index-url requirements-dev.in -o requirements-dev.txt

# Hostile Markdown through the real preview view under gunicorn: every input up to the length
# cap answered (rendered or refused) within a bound (bench/markdown_bound.py).
.PHONY: bench-markdown
bench-markdown: db
	$(PY) -m bench.markdown_bound

# Two app servers, two workers, one Redis, a primary and its streaming standby under mixed
# traffic for a minute, an editor publishing through the admin every 5 s: errors, stale reads,
# the time from a publication to the new page on each server and the e-mail sent
# (bench/fleet.py, docs/performance.md).
.PHONY: bench-fleet
bench-fleet: $(RUNTIME) postgres-server redis-server
	$(PY) -m bench.fleet
