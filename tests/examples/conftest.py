"""One sample warehouse per session with the built-in ten backfilled over 2023-24 (its first
21 game dates are final), so each test starts the project's own stages from the same state."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

AS_OF = dt.date(2023, 11, 14)
SEASON = "2023-24"


@pytest.fixture(scope="session")
def builtins_done(tmp_path_factory) -> Path:
    from tests.shared import built_once, seed7_sample_file

    def build(path):
        shutil.copy(seed7_sample_file(tmp_path_factory, AS_OF), path)
        with open_warehouse(str(path)) as wh:
            prepared = prepare(wh, make_request(season=SEASON))
            result = execute(wh, prepared, RunOptions(progress=False))
        assert result.status == "success", result.alerts

    return built_once(tmp_path_factory, "examples-builtins", build)


@pytest.fixture
def warehouse_copy(builtins_done, tmp_path) -> Path:
    target = tmp_path / "wh.duckdb"
    shutil.copy(builtins_done, target)
    return target
