# nbkit: `make demo` and `make test` do all set-up themselves on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
WAREHOUSE ?= warehouse/nba.duckdb
export NBKIT_WAREHOUSE ?= $(WAREHOUSE)

.PHONY: install demo test lab bench clean

$(BIN)/nbkit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/nbkit

install: $(BIN)/nbkit  ## create .venv and install nbkit with its dev tools

demo: install  ## build the sample warehouse and show its state
	$(BIN)/nbkit sample-data
	$(BIN)/nbkit status

test: install  ## run the test suite
	$(BIN)/python -m pytest -q

lab: install  ## JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: install  ## benchmarks; prints a table and saves bench/results/*.json
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) warehouse reports/runs reports/index.html
