# GBA Freight Router — set-up, run, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the test suite in two processes (pytest-xdist), a file's tests in one of them (its
# module-scoped fixtures, e.g. loaded networks and routed demand, built once)
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: setup serve test test-fast browser lint bench check clean

$(STAMP): pyproject.toml setup.py router/routing/_labelloop.pyx router/routing/_labelloop_defs.pxi
	@echo "Installing GBA Freight Router into $(VENV) (first time: a few minutes, it builds the compiled search core)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar on -e '.[dev,ray]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project with dev tools

serve: $(STAMP)  ## validate the bundled network and start the API service on it
	$(BIN)/router network check
	$(BIN)/router serve --host $${ROUTER_HOST:-127.0.0.1} --port $${ROUTER_PORT:-8000}

browser:  ## Debian's Chromium for the scenario report's browser test (apt-get, if missing)
	@command -v $${ROUTER_CHROMIUM:-chromium} >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the report browser test (never a downloaded browser)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser  ## install (Chromium too), lint, type-check, check the import contracts and run the whole test suite
	$(BIN)/ruff check router tests benchmarks
	$(BIN)/mypy router
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/pytest -q -x -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff, formatting, mypy and the import contracts (pyproject.toml [tool.importlinter])
	$(BIN)/ruff check router tests benchmarks
	$(BIN)/ruff format --check router tests benchmarks
	$(BIN)/mypy router
	$(BIN)/lint-imports --no-cache

check: $(STAMP)  ## validate the bundled dataset
	$(BIN)/router network check

bench: $(STAMP)  ## run the benchmark scripts; figures go to benchmarks/results/
	$(BIN)/python benchmarks/quote_bench.py
	$(BIN)/python benchmarks/batch_bench.py
	$(BIN)/python benchmarks/api_bench.py
	$(BIN)/python benchmarks/consolidation_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
