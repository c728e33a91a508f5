# Kliento's two set-up commands are `make run` and `make test`; the rest serve developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kliento
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-sqlite test-postgres lint check bench messages vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kliento demo
	$(BIN)/kliento serve --port $(PORT) --with-worker

test: $(VENV)/.installed-test lint
	$(BIN)/kliento makemigrations --check --dry-run
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python scripts/postgres_reachable.py "$(PG_TEST_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is unreachable at $(PG_TEST_URL): CI needs it." >&2; exit 1; \
	else \
		echo "PostgreSQL is unreachable at $(PG_TEST_URL): skipped the PostgreSQL run (SQLite passed)."; \
	fi

test-sqlite: $(VENV)/.installed-test
	@echo "== tests on SQLite =="
	env -u KLIENTO_DATABASE_URL -u REDIS_URL $(BIN)/pytest -n 2 -q

test-postgres: $(VENV)/.installed-test
	@echo "== tests on PostgreSQL =="
	KLIENTO_DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$$($(BIN)/python scripts/redis_reachable.py $(REDIS_TEST_URL)) $(BIN)/pytest -n 2 -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: test

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run --db both

messages: $(VENV)/.installed-test
	$(BIN)/kliento makemessages -l zh_Hans -l ar -l fil -l es -l ru --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=build
	$(BIN)/python scripts/translations.py missing
	$(BIN)/kliento compilemessages --ignore=.venv

vendor:
	scripts/vendor-assets.sh
	scripts/vendor-test-assets.sh

clean:
	rm -rf $(VENV) var
