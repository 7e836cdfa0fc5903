# The two entry points: `make run` serves the platform on SQLite with the real demo data,
# `make test` runs the whole suite (lint, types, SQLite, PostgreSQL, browser).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= clusterbridge_ci
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck test-sqlite test-postgres browser messages translations clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) messages

# Translations are compiled with Babel (a dependency), so no system gettext is needed. The core
# catalogue lives in src/clusterbridge/locale; an app with its own locale/ keeps its own catalogue.
CATALOGUES := $(wildcard src/clusterbridge/locale src/clusterbridge/*/locale src/clusterbridge/accounts/allauth_locale)
APP_CATALOGUES := $(filter-out src/clusterbridge/locale src/clusterbridge/accounts/allauth_locale,$(CATALOGUES))
messages: $(STAMP)
	@for dir in $(CATALOGUES); do \
	  $(BIN)/pybabel compile --domain django --directory $$dir --statistics 2>&1 || exit 1; \
	done

# Extracts new strings (needs GNU gettext): each catalogue from its own code only.
translations: $(STAMP)
	cd src/clusterbridge && ../../$(BIN)/clusterbridge makemessages --locale de --no-obsolete --add-location file \
	  $(foreach app,$(APP_CATALOGUES),--ignore '$(notdir $(patsubst %/locale,%,$(app)))/*')
	@for dir in $(APP_CATALOGUES); do \
	  (cd $$dir/.. && ../../../$(BIN)/clusterbridge makemessages --locale de --no-obsolete --add-location file); \
	done

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/clusterbridge migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/clusterbridge demo --if-empty
	DEBUG=$${DEBUG:-true} $(BIN)/clusterbridge reindex --if-empty
	DEBUG=$${DEBUG:-true} COOPERATION_INVITE_UNCLAIMED=false $(BIN)/clusterbridge runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "chromium is missing; install Debian's chromium and chromium-driver"; exit 1; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy src

test-sqlite: install browser
	VAR_DIR=$$(mktemp -d) $(BIN)/pytest

test-postgres: install
	@if ! $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)/postgres', connect_timeout=5).close()" 2>/dev/null; then \
	  if [ "$${CI:-}" = "true" ]; then echo "PostgreSQL is not reachable at $(PG_URL); CI needs it"; exit 1; fi; \
	  echo "PostgreSQL is not reachable at $(PG_URL): PostgreSQL tests NOT run"; exit 0; \
	fi; \
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(PG_URL)/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $(PG_TEST_DB) WITH (FORCE)'); c.execute('CREATE DATABASE $(PG_TEST_DB)')"; \
	VAR_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL)/$(PG_TEST_DB) $(BIN)/pytest

test: lint typecheck test-sqlite test-postgres

# Benchmarks (see bench/README.md); the figures land in bench/results/.
bench: install
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench.bench_landscape --clusters 50000
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench.bench_semantic --docs 100000
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m bench.bench_matching --clusters 100000 --refresh-clusters 10000

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
