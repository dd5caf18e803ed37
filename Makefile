# Practicum: `make run` serves the app with demo data, `make test` runs the whole suite.
# Both start from a fresh clone: they create the virtualenv and install what they need.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve migrate seed test test-fast lint format worker beat bench-search bench-notify clean check-deploy

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 ($(PYTHON)) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# xstatic-bootstrap is an sdist whose setup imports pkg_resources, gone from the newest
	# setuptools: build it without isolation against a setuptools that still has it.
	$(PIP) install --quiet "setuptools==80.9.0" wheel
	$(PIP) install --quiet --no-build-isolation "xstatic-bootstrap==5.3.8.0"
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving Practicum on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. Tests that need PostgreSQL, Redis or Chromium are skipped with the
# reason when those are absent (listed at the end); .ci/run provides all of them.
test: install
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test >/dev/null || { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL (for example redis://127.0.0.1:6379/0); without it tasks already run in-process."; exit 1; }
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2

beat: install
	@test -n "$$REDIS_URL" || { echo "make beat needs REDIS_URL (for example redis://127.0.0.1:6379/0)."; exit 1; }
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

# The notification benchmark on PostgreSQL: builds (once) 200,000 students, 100,000
# postings and 1,000,000 saved postings in practicum_notify_bench, then times the match
# fan-out and the application-deadline scan (see bench/notify.py).
bench-notify: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/practicum_notify_bench $(PY) bench/notify.py

# The search benchmark on PostgreSQL: builds (once) 100,000 postings at 5,000 sites in the
# database practicum_bench, serves them with gunicorn and measures (see bench/search.py).
bench-search: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/practicum_bench $(PY) bench/search.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=practicum.example \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache
