"""Shared fixtures: a fresh embedded warehouse with the production schema."""

from __future__ import annotations

import os

import pytest

from nbkit.warehouse import open_warehouse

pytest_plugins = ["tests.bigquery.plugin"]  # the bigquery_warehouse fixture (bqemulator)
BACKENDS = [b for b in os.environ.get("NBKIT_TEST_BACKENDS", "duckdb").split(",") if b]


@pytest.fixture
def duck(tmp_path):
    """A DuckDB warehouse file in a temp dir, schema created."""
    wh = open_warehouse(str(tmp_path / "wh.duckdb"))
    wh.init_schema()
    yield wh
    wh.close()


@pytest.fixture(params=BACKENDS)
def warehouse(request, tmp_path):
    """Every configured backend, schema created (the contract suite runs on each)."""
    if request.param == "duckdb":
        wh = open_warehouse(str(tmp_path / "wh.duckdb"))
    else:
        wh = request.getfixturevalue("bigquery_warehouse")
    wh.init_schema()
    yield wh
    wh.close()
