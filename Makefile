# Two commands set everything up on a fresh machine:
#   make run    the site with the report's data on SQLite, at http://127.0.0.1:8000/,
#               and beside it the worker that runs large imports in the background
#   make test   the test suite (on SQLite, or on PostgreSQL with DATABASE_URL set)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test setup browser screenshots bench bench-tools migrate load messages clean

# The worker runs in the background for as long as the server runs: the trap stops it
# when runserver exits (Ctrl-C included), so no worker is left behind.
run: setup migrate load
	$(BIN)/python manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The background worker alone (e.g. beside a server run some other way).
worker: setup migrate
	$(BIN)/python manage.py db_worker --no-reload

# The layering contracts (.importlinter) first: a broken one fails in seconds.
test: setup browser
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The browser tests drive Debian's chromium; Playwright's own download does not work here.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; }

# The README's screenshots (docs/screenshots), taken by the browser tests that walk the pages.
screenshots: setup browser
	SHDT_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_staff_day.py tests/browser/test_public_findability.py tests/browser/test_district_map.py tests/browser/test_application_year.py

# The performance benchmark of issue 7, on PostgreSQL (BENCH_PG, default the local server):
# builds (or reuses) a database of 100,000 synthetic enterprises, loads the site under
# gunicorn with wrk, and writes bench/results/latest.md. BENCH_ARGS="--n 2000 --runs 1" for a quick run.
BENCH_ARGS ?= --n 100000 --runs 3
bench: setup bench-tools
	$(BIN)/python -m bench $(BENCH_ARGS)

# wrk loads the pages; Redis is the production cache the cached figures are measured with.
bench-tools:
	@command -v wrk >/dev/null && command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk redis-server; }
	@redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes --port 6379 --save '' --appendonly no >/dev/null

setup: $(VENV)/.installed .env

# Reinstall whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# A development .env with its own random key; production sets real environment variables.
.env:
	printf 'DEBUG=1\nSECRET_KEY=dev-%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')" > $@

migrate: setup
	$(BIN)/python manage.py migrate --no-input

# Loading is idempotent: records already there are updated in place, nothing doubles.
load: migrate
	$(BIN)/python manage.py loaddata report_2022

# Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po.
messages: setup
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
