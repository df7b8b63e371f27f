# The README's commands. `make run` opens the app on the demo catalog; `make test` runs every
# check headless. Both create the virtual environment when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench build smoke clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	bash scripts/ensure-qt-libs.sh $(BIN)/python
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/catalog-editor --demo

lint: $(STAMP)
	$(BIN)/ruff check app tests benchmarks scripts installer
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy app

# The suite runs the store, import/export, migration and concurrency tests on SQLite and on
# PostgreSQL: scripts/ensure-postgres.sh starts a throwaway server (installing Debian's
# postgresql when needed) and prints its URL; the PostgreSQL tests fail, never skip, without it.
pytest: $(STAMP)
	@pg_url=$$(bash scripts/ensure-postgres.sh start); \
	CATALOG_EDITOR_TEST_PG_URL="$$pg_url" CATALOG_EDITOR_REQUIRE_PG=1 \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q; status=$$?; \
	bash scripts/ensure-postgres.sh stop-if-started; exit $$status

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

build: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[installer]'
	$(BIN)/python installer/build.py

smoke: build
	$(BIN)/python installer/smoke_test.py dist/catalog-editor

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
