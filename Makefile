# Kaifang — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KAIFANG := $(BIN)/kaifang
HOST ?= 127.0.0.1
PORT ?= 8000
# Demo settings: production code paths (DEBUG off) on plain http for a local machine. They live
# in a local `.env` (see the `.env` target) that config/settings.py reads, so every
# `.venv/bin/kaifang …` in this checkout works with no exports; HOST is added to the hosts served.
DEMO_ENV = ALLOWED_HOSTS=127.0.0.1,localhost,$(HOST)

.PHONY: demo test lint serve install install-test assets migrate reference demo-data test-pg test-browser worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-browser: $(VENV)/.installed-test pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,browser]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

static/vendor/.copied: node_modules/.package-lock.json
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	cp node_modules/echarts/LICENSE static/vendor/echarts/
	touch $@

assets: static/vendor/.copied

# `.env`: written once for this checkout and never overwritten (delete it to start over); an
# older checkout's var/secret_key is reused so existing sessions stay valid. Real environment
# variables always win over it; the test settings never read it.
.env:
	@mkdir -p var
	@key="$$(cat var/secret_key 2>/dev/null || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	printf '%s\n' \
		"# Written by make demo for this checkout (demo settings, plain http). Real environment" \
		"# variables win over these lines; see .env.example for every variable." \
		"SECRET_KEY=$$key" "DEBUG=false" "SECURE_SSL_REDIRECT=false" "SECURE_COOKIES=false" \
		"ALLOWED_HOSTS=127.0.0.1,localhost" > $@
	@echo "wrote .env (the demo settings every .venv/bin/kaifang command in this checkout reads)"

# migrate also creates the cache table (a post-migrate step of kaifang.core).
migrate: install assets .env
	$(DEMO_ENV) $(KAIFANG) migrate --noinput
	$(DEMO_ENV) $(KAIFANG) setup-schedules
	$(DEMO_ENV) $(KAIFANG) collectstatic --noinput --verbosity 0

# load-reference comes with the reference-data work; skip it cleanly on a branch without it.
reference: migrate
	@if $(DEMO_ENV) $(KAIFANG) help load-reference > /dev/null 2>&1; then \
		$(DEMO_ENV) $(KAIFANG) load-reference; \
	else echo "(kaifang load-reference is not available on this branch: skipped)"; fi

## make demo-data: everything make demo sets up (.env, migrations, reference and demo data),
## without serving; then `.venv/bin/kaifang …` works in this checkout with no exports.
demo-data: reference
	$(DEMO_ENV) $(KAIFANG) demo-data --size small

## make demo: install, migrate SQLite, load reference and demo data, serve with worker and scheduler.
# The recipe's shell starts the worker (qcluster, which also runs the scheduler) and gunicorn,
# and stops both on Ctrl-C, on `kill`, or when either of them exits.
demo: demo-data
	@$(DEMO_ENV) $(KAIFANG) demo-accounts
	@echo "开放通 is at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and scheduler)"
	@$(DEMO_ENV) bash -c ' \
		$(KAIFANG) qcluster & worker=$$!; \
		$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --graceful-timeout 5 \
			--access-logfile - & web=$$!; \
		stop() { trap - INT TERM EXIT; kill -TERM $$worker $$web 2>/dev/null; wait $$worker $$web; }; \
		trap "stop; exit 130" INT; trap "stop; exit 143" TERM; trap stop EXIT; \
		wait -n $$worker $$web'

## make serve: production-like serving with gunicorn (environment from the caller).
serve: install assets
	$(KAIFANG) collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

worker: install
	$(KAIFANG) qcluster

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kaifang config bench
	$(BIN)/lint-imports --no-logo
	$(BIN)/kaifang makemigrations --check --dry-run --settings=config.settings_test > /dev/null

## make test: lint, then the whole suite on SQLite (browser tests excluded; see test-browser).
test: install-test assets lint
	$(BIN)/pytest -m "not browser"

## make test-pg: the same suite on PostgreSQL; DATABASE_URL=postgres://… must be set (.ci/run does).
test-pg: install-test assets
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "set DATABASE_URL=postgres://…"; exit 2;; esac
	$(BIN)/pytest -m "not browser"

## make test-browser: the `browser`-marked tests in headless Chromium (/usr/bin/chromium);
## they also refresh the README's screenshots in docs/screenshots/.
test-browser: $(VENV)/.installed-browser assets
	$(BIN)/pytest -m browser

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
