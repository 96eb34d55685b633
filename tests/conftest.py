"""Shared fixtures: a fresh embedded warehouse with the production schema."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nbkit.warehouse import open_warehouse
from tests.shared import built_once, seed7_sample_file

pytest_plugins = ["tests.bigquery.plugin"]  # the bigquery_warehouse fixture (bqemulator)
BACKENDS = [b for b in os.environ.get("NBKIT_TEST_BACKENDS", "duckdb").split(",") if b]
ROOT = Path(__file__).resolve().parents[1]
# Folders whose modules share session fixtures that are not files (executed notebooks,
# generated frames): under xdist each folder runs on one worker, so they are made once.
SHARED_FOLDERS = {("tests", "notebooks"), ("tests", "sample")}


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` (``make test``): a module's tests stay on one worker, so its module
    fixtures are built once, and each of SHARED_FOLDERS stays whole on one worker."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    # xdist's default re-sorts scopes by their number of tests, which hands the long modules
    # with few tests (the BigQuery end-to-end suite: 17 tests, 73 s) out last, to run alone
    # while the other worker idles. Keep pytest_collection_modifyitems' order instead.
    config.option.loadscopereorder = False

    class ModuleOrSharedFolder(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            folder = tuple(path.split("/")[:2])
            return "/".join(folder) if folder in SHARED_FOLDERS else path

    return ModuleOrSharedFolder(config, log)


def _scope(item) -> str:
    path = Path(str(item.fspath)).resolve().relative_to(ROOT)
    return "/".join(path.parts[:2]) if path.parts[:2] in SHARED_FOLDERS else str(path)


@pytest.hookimpl(trylast=True)  # after tests/bigquery/plugin.py has marked the emulator tests
def pytest_collection_modifyitems(config, items):
    """Longest work first (order otherwise kept): the shared folders (each one unit of work,
    tests/notebooks ~140 s), then scopes holding slow, emulator or kill/cancel tests. Under
    xdist, a long unit handed out last keeps one worker busy while the others wait."""
    heavy = {_scope(item) for item in items
             if any(item.get_closest_marker(m) for m in ("slow", "bigquery", "reliability"))}
    shared = {"/".join(folder) for folder in SHARED_FOLDERS}
    items.sort(key=lambda item: (_scope(item) not in shared, _scope(item) not in heavy))


@pytest.fixture(scope="session")
def empty_schema_path(tmp_path_factory):
    """A DuckDB file with the production schema and no rows, made once per run: copy it
    (creating the schema takes about a second; a copy, milliseconds)."""
    def build(path):
        with open_warehouse(str(path)) as wh:
            wh.init_schema()

    return built_once(tmp_path_factory, "empty-schema", build)


@pytest.fixture
def duck(empty_schema_path, tmp_path):
    """A DuckDB warehouse file in a temp dir, schema created."""
    wh = open_warehouse(str(shutil.copy(empty_schema_path, tmp_path / "wh.duckdb")))
    yield wh
    wh.close()


@pytest.fixture(params=BACKENDS)
def warehouse(request, tmp_path):
    """Every configured backend, schema created (the contract suite runs on each)."""
    if request.param == "duckdb":
        empty = request.getfixturevalue("empty_schema_path")
        wh = open_warehouse(str(shutil.copy(empty, tmp_path / "wh.duckdb")))
    else:
        wh = request.getfixturevalue("bigquery_warehouse")
        wh.init_schema()
    yield wh
    wh.close()


@pytest.fixture(scope="session")
def sample_raw_path(tmp_path_factory):
    """The default sample (seed 7, raw and reference tables), built once per test run.

    Read it through a copy (``sample_copy``) or read-only; never write to this file.
    """
    return seed7_sample_file(tmp_path_factory)


@pytest.fixture
def sample_copy(sample_raw_path, tmp_path):
    """A private, writable copy of the default sample's file."""
    return shutil.copy(sample_raw_path, tmp_path / "sample.duckdb")


@pytest.fixture(scope="session")
def backfilled_sample_path(sample_raw_path, tmp_path_factory):
    """The default sample in the operators' starting state (Phase 3 on 348 of 675 dates, a
    partial date, duplicates) after the one ``backfill`` of the whole range that repairs and
    completes it, as ``make demo`` does; read-only use. Its ten tables equal a backfill from
    raw, table by table and date by date (tests/test_builtin_checksums.py)."""
    def build(path):
        from nbkit.calendar import load_calendar
        from nbkit.starting_state import apply_starting_state
        from tests.builtin_checksums import END, full_backfill

        shutil.copy(sample_raw_path, path)
        with open_warehouse(str(path)) as wh:
            apply_starting_state(wh, load_calendar(wh), END, seed=7)
            status = full_backfill(wh)
        assert status == "success", status

    return built_once(tmp_path_factory, "sample-full", build)
