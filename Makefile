# nbkit: `make demo` and `make test` do all set-up themselves on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
WAREHOUSE ?= warehouse/nba.duckdb
export NBKIT_WAREHOUSE ?= $(WAREHOUSE)

.PHONY: install bqemu demo test lab bench clean

$(BIN)/nbkit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/nbkit

install: $(BIN)/nbkit  ## create .venv and install nbkit with its dev tools

# The BigQuery emulator, in its own venv: it pins duckdb 1.5.5 and sqlglot<30.12, which the
# kit's env must not have (docs/bigquery-emulator.md). Its spatial extension comes from PyPI
# (DuckDB's extension server is unreachable) and is copied into ~/.duckdb once per machine.
# numpy is not in the doc's recipe but bqemulator 1.4.0 will not start without it.
# sqlglotc is sqlglot 30.11.0 (the emulator's pin) compiled: the emulator spends most of its
# CPU parsing SQL; the BigQuery parity suite runs 70 s -> 58 s with it, same results.
# The stamp names the pins: changing a pin rebuilds the venv.
BQEMU_VENV  ?= .venv-bqemu
BQEMU_PKGS  := bqemulator==1.4.0 duckdb==1.5.5 duckdb-extension-spatial==1.5.5 \
               duckdb-extensions==1.5.5 testcontainers numpy sqlglotc==30.11.0
BQEMU_STAMP := $(BQEMU_VENV)/.nbkit-stamp-bqemulator-1.4.0-duckdb-1.5.5-sqlglotc-30.11.0

$(BQEMU_STAMP):
	rm -rf $(BQEMU_VENV)
	$(PYTHON) -m venv $(BQEMU_VENV)
	$(BQEMU_VENV)/bin/pip install --quiet --upgrade pip
	$(BQEMU_VENV)/bin/pip install --quiet $(BQEMU_PKGS)
	$(BQEMU_VENV)/bin/python -c "from duckdb_extensions import import_extension; import_extension('spatial')"
	@touch $@

bqemu: $(BQEMU_STAMP)  ## create .venv-bqemu with the BigQuery emulator (idempotent)

DEMO_SEASONS ?= 2021-22 2022-23 2023-24 2024-25

# The main job on the embedded warehouse, every step through papermill: a fresh sample
# warehouse in the operators' starting state, preflight, the four seasons in order,
# gap analysis and validation. Each run leaves an executed notebook + HTML in reports/.
demo: install  ## the full four-season backfill through the notebooks
	rm -f $(WAREHOUSE) $(WAREHOUSE).wal
	$(BIN)/nbkit sample-data
	$(BIN)/nbkit status
	$(BIN)/nbkit preflight
	@for season in $(DEMO_SEASONS); do $(BIN)/nbkit season $$season || exit 1; done
	$(BIN)/nbkit gaps
	$(BIN)/nbkit validate
	$(BIN)/nbkit signoff
	@echo "Report index: $(CURDIR)/reports/index.html"

# Parallel: one xdist worker per core; a module (and tests/notebooks, tests/sample) stays on one
# worker, sample warehouses are built once per run and shared (tests/shared.py).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

test: install bqemu  ## run the test suite, the contract suite on DuckDB and on the BigQuery emulator
	NBKIT_TEST_BACKENDS=duckdb,bigquery NBKIT_REQUIRE_BIGQUERY=1 NBKIT_BQEMU_VENV=$(BQEMU_VENV) \
		$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadscope --durations=10

lab: install  ## JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: install bqemu  ## benchmarks; prints a table and saves bench/results/latest.json
	NBKIT_BQEMU_VENV=$(BQEMU_VENV) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) warehouse reports/runs reports/index.html reports/assets
