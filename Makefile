# Wattwerk — the two commands a newcomer types are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: uv-bootstrap help install install-prod demo test lint lint-fix check-migrations pytest browser-deps pdf-deps lock vendor messages clean bench

help:
	@echo "make demo   - install, migrate, load demo data, run web server and worker (Ctrl-C stops both)"
	@echo "make test   - lint, migrations check and the whole test suite (SQLite; PostgreSQL too if DATABASE_URL is set)"
	@echo "make lock   - recompile the hash-checked lock files from pyproject.toml"
	@echo "make bench  - benchmark suite on generated data (SQLite, and PostgreSQL if reachable);"
	@echo "              writes docs/bench/latest.md and .json (BENCH_SIZES=\"S M\" adds M)"

uv-bootstrap:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml | uv-bootstrap
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), f"Python 3.12 needed, found {sys.version}"'
	@test -x $(BIN)/python || $(UV) venv --quiet --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip sync --quiet --require-hashes --python $(BIN)/python requirements-dev.lock
	$(UV) pip install --quiet --no-deps --python $(BIN)/python -e .
	@touch $(STAMP)

install: $(STAMP)

# Production: the runtime lock only (no test or lint tools).
install-prod: uv-bootstrap
	@test -x $(BIN)/python || $(UV) venv --quiet --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip sync --quiet --require-hashes --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --no-deps --python $(BIN)/python .

lock: uv-bootstrap
	$(UV) pip compile pyproject.toml --generate-hashes --python-version 3.12 -q -o requirements.lock
	$(UV) pip compile pyproject.toml --group test --group lint --generate-hashes --python-version 3.12 -q -o requirements-dev.lock

demo: install pdf-deps
	@mkdir -p var
	$(BIN)/wattwerk migrate --noinput
	$(BIN)/wattwerk load_demo
	@$(BIN)/wattwerk db_worker --queue-name '*' & worker=$$!; \
	  $(BIN)/wattwerk run_scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT; \
	  $(BIN)/wattwerk runserver --noreload 127.0.0.1:8000

# Debian's chromium drives the browser tests (Playwright's own download does not work offline).
browser-deps:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# WeasyPrint (quote documents) renders with Pango and subsets fonts with HarfBuzz; DejaVu is the font.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@/sbin/ldconfig -p | grep -q libharfbuzz-subset.so.0 && /sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 \
	  && test -d /usr/share/fonts/truetype/dejavu || { \
	  echo "Installing Debian's Pango, HarfBuzz and DejaVu fonts for the PDF documents"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_LIBS) >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

lint-fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=wattwerk.settings.test $(BIN)/wattwerk makemigrations --check --dry-run

pytest: install browser-deps pdf-deps
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== again on $${DATABASE_URL%%://*} (DATABASE_URL) =="; \
	  $(BIN)/pytest $(PYTEST_ARGS); \
	fi

test: lint check-migrations pytest

# Benchmarks (docs/benchmarks.md): per size and database a scratch database (SQLite under
# var/bench/, PostgreSQL on DATABASE_URL's server or 127.0.0.1:5432 when one answers), data
# generated once (the "generated" marker; BENCH_FRESH=1 generates again), then one table.
BENCH_SIZES ?= S
BENCH_DIR ?= var/bench
BENCH_OUT ?= docs/bench
BENCH_IMPORT_ROWS_S ?= 5000
BENCH_IMPORT_ROWS_M ?= 20000
BENCH_ARGS ?=

bench: install
	@mkdir -p $(BENCH_DIR) $(BENCH_OUT); runs=""; \
	for size in $(BENCH_SIZES); do for db in sqlite postgresql; do \
	  dir=$(BENCH_DIR)/$$db-$$size; mkdir -p $$dir; \
	  if [ -n "$(BENCH_FRESH)" ]; then rm -f $$dir/generated $$dir/wattwerk.sqlite3*; fi; \
	  url=""; \
	  if [ $$db = postgresql ]; then \
	    url=$$($(BIN)/python -m wattwerk.bench.scratch wattwerk_bench_$$size $$dir $(if $(BENCH_FRESH),--fresh)); \
	    if [ -z "$$url" ]; then echo "== no PostgreSQL answers: postgresql $$size not run"; continue; fi; \
	  fi; \
	  rows=$$( [ $$size = M ] && echo $(BENCH_IMPORT_ROWS_M) || echo $(BENCH_IMPORT_ROWS_S) ); \
	  echo "== $$db $$size"; \
	  run="env -u REDIS_URL -u TASKS_BACKEND WATTWERK_VAR_DIR=$$dir DATABASE_URL=$$url $(BIN)/wattwerk"; \
	  $$run migrate --noinput -v0 || exit 1; \
	  test -f $$dir/generated || { $$run generate --size $$size --seed 1 && touch $$dir/generated; } || exit 1; \
	  $$run bench --size $$size --out $$dir/result.json --import-rows $$rows $(BENCH_ARGS) || exit 1; \
	  runs="$$runs $$dir/result.json"; \
	done; done; \
	env -u DATABASE_URL WATTWERK_VAR_DIR=$(BENCH_DIR) $(BIN)/wattwerk bench_report $$runs \
	  --json $(BENCH_OUT)/latest.json --markdown $(BENCH_OUT)/latest.md

clean:
	rm -rf $(VENV) var/test-*

vendor:
	scripts/vendor.sh

# Refresh the English catalogue after changing German texts; commit the .po and the .mo.
messages: install
	cd wattwerk && ../$(BIN)/wattwerk makemessages -l en --ignore "*/tests/*" --ignore "static/*"
	cd wattwerk && ../$(BIN)/wattwerk compilemessages -l en
