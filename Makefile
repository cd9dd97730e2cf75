# One command a job. `make run` serves the site; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= cancerchoices.settings.local
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run stop test db lint format lock postgres-server chromium bench wrk redis-server backup restore

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v python3 >/dev/null || { echo "Python 3.11 is required."; exit 1; }
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# The machine's PostgreSQL server, installed from Debian's packages when missing.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { echo "Installing PostgreSQL (apt-get install postgresql)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

db: $(VENV)/.installed postgres-server
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m cancerchoices.localdb start; fi

run: db
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo
	@echo "  Site:   http://127.0.0.1:$(PORT)/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo sign-ins (password demo-password): researcher, consultant, editor"
	@echo "  Stop with Ctrl+C, then 'make stop' to stop the database."
	@echo
	$(VENV)/bin/gunicorn cancerchoices.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT)

stop:
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
test: db chromium redis-server lint
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest

# A database dump (pg_dump -Fc) and a tar of MEDIA_ROOT, in var/backups/<timestamp>/.
backup: db
	$(PY) manage.py backup

# Replaces the database and unpacks the media: make restore FILE=var/backups/<timestamp>
restore: db
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<timestamp>"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned, hashed requirement files from requirements*.in.
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile --python-version 3.11 --generate-hashes --no-header --no-emit-index-url requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --python-version 3.11 --generate-hashes --no-header --no-emit-index-url requirements-dev.in -o requirements-dev.txt
