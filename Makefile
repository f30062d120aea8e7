# Rapport: every developer task has a target here. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=
# e.g. BENCH_ARGS=--write to record the figures in docs/performance.md
BENCH_ARGS ?=
# make backup [BACKUP_FILE=path]; make restore BACKUP_FILE=path RESTORE_DATABASE=name
BACKUP_FILE ?=
RESTORE_DATABASE ?=

# Variables that make the production settings check meaningful without secrets.
DEPLOY_CHECK_ENV := DJANGO_ENV=production SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-value-for-django ALLOWED_HOSTS=rapport.example.com

.DEFAULT_GOAL := help
.PHONY: help install run test test-api-contract test-calendar smoke lint format migrate bench bench-nudges bench-api bench-metrics bench-pages bench-load bench-first-run check-deploy backup restore clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# uv when it can be had, plain pip otherwise (scripts/install.py says why).
$(INSTALLED): pyproject.toml
	$(PYTHON) scripts/install.py
	touch $(INSTALLED)

install: $(INSTALLED) ## Create .venv and install the project with its dev tools

run: $(INSTALLED) ## Start the whole stack (embedded PostgreSQL unless DATABASE_URL is set)
	$(PY) scripts/dev.py

test: $(INSTALLED) ## Run the whole test suite against PostgreSQL
	$(PY) scripts/with_database.py $(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

test-api-contract: $(INSTALLED) ## Only schemathesis over the API, every phase (part of `make test`)
	$(PY) scripts/with_database.py $(VENV)/bin/pytest -m schemathesis $(PYTEST_ARGS)

test-calendar: $(INSTALLED) ## The suite as if today were a weekend, a DST change, 1 and 5 years ahead
	$(PY) scripts/with_database.py $(PY) scripts/test_calendar.py -n auto $(PYTEST_ARGS)

smoke: $(INSTALLED) ## The production stack (PgBouncer, gunicorn, Celery worker and beat) driven over HTTP
	$(PY) scripts/with_database.py $(PY) scripts/smoke.py

lint: $(INSTALLED) ## ruff lint and format check; import-linter's layer and cycle contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED) ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(INSTALLED) ## Apply migrations as the owner role and grant the application role
	$(PY) scripts/with_database.py $(PY) manage.py migrate --noinput

bench: bench-nudges bench-api bench-metrics bench-pages bench-load ## Run every benchmark (docs/performance.md; BENCH_ARGS=--write records them)

bench-nudges: $(INSTALLED) ## Time the nudge scan: 1,000,000 open clocks, then 10,000 due
	$(PY) scripts/with_database.py $(PY) -m bench.nudges $(BENCH_ARGS)

bench-api: $(INSTALLED) ## Seed the scale data set (seed_scale), then time every API list
	$(PY) scripts/with_database.py $(PY) -m bench.api $(BENCH_ARGS)

bench-metrics: $(INSTALLED) ## Seed the scale data set, then time the metrics endpoints, upkeep and rebuild
	$(PY) scripts/with_database.py $(PY) -m bench.metrics $(BENCH_ARGS)

bench-pages: $(INSTALLED) ## Seed the scale data set, then time every page, largest and smallest organization
	$(PY) scripts/with_database.py $(PY) -m bench.pages $(BENCH_ARGS)

bench-load: $(INSTALLED) ## Seed the scale data set, then load gunicorn (production settings) over HTTP
	$(PY) scripts/with_database.py $(PY) -m bench.load $(BENCH_ARGS)

bench-first-run: $(INSTALLED) ## Time a fresh clone's `make run` until /healthz answers (cold caches)
	$(PY) -m bench.first_run

backup: $(INSTALLED) ## Dump the database (pg_dump custom format) to .data/backups/, or BACKUP_FILE
	$(PY) scripts/with_database.py $(PY) manage.py backup_database $(if $(BACKUP_FILE),--output $(BACKUP_FILE))

restore: $(INSTALLED) ## Restore BACKUP_FILE into the new database RESTORE_DATABASE, roles, grants and RLS kept
	$(PY) scripts/with_database.py $(PY) manage.py restore_database $(BACKUP_FILE) --database $(RESTORE_DATABASE)

check-deploy: $(INSTALLED) ## Django's deployment checks under production settings
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, local data and caches
	rm -rf $(VENV) .data staticfiles .ruff_cache test-artifacts
