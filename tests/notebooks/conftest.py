"""A small sample warehouse (about three weeks of 2023-24 games), built once per session.

build_sample simulates the whole calendar but only games up to ``as_of`` are final,
so the processors and gates work on 2021-22, 2022-23 and the first 21 game dates
of 2023-24. Notebook runs copy the file, so each scenario starts from the same state.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from nbkit.runbook import run_notebook
from nbkit.warehouse import open_warehouse

AS_OF = dt.date(2023, 11, 14)
SEASON = "2023-24"
SECRET = "tok-3f9c1b7e-NEVER-IN-FILES"
FAILING_DATE = "2023-11-06"
INJECTED = f"team_defense_zone_analysis@{FAILING_DATE}"
WINDOW = {"start_date": "2023-10-24", "end_date": "2023-11-03"}
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory) -> Path:
    from tests.shared import seed7_sample_file

    return seed7_sample_file(tmp_path_factory, AS_OF)


@pytest.fixture(scope="session")
def copy_of(sample_path, tmp_path_factory):
    """copy_of(name) -> path of a fresh copy of the sample warehouse."""
    def make(name: str) -> str:
        target = tmp_path_factory.mktemp(name) / "wh.duckdb"
        shutil.copy(sample_path, target)
        return str(target)
    return make


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="session")
def season_ok(copy_of, reports):
    """Warehouse A after a successful 10_season run (with a secret parameter given)."""
    wh = copy_of("season_ok")
    report = run_notebook("10_season", {"season": SEASON, "gcp_access_token": SECRET},
                          reports_dir=reports, warehouse=wh)
    return SimpleNamespace(warehouse=wh, report=report)


@pytest.fixture(scope="session")
def season_failed(copy_of, reports):
    """Warehouse B after a 10_season run with an injected Phase 4 failure."""
    wh = copy_of("season_failed")
    with injected_failure(INJECTED):
        report = run_notebook("season", {"season": SEASON}, reports_dir=reports, warehouse=wh)
    return SimpleNamespace(warehouse=wh, report=report)


@pytest.fixture(scope="session")
def gaps_run(season_ok, reports):
    """20_gap_analysis over 2023-24 on warehouse A (holds the heatmap)."""
    return run_notebook("gaps", {"start_date": "2023-10-01"}, reports_dir=reports,
                        warehouse=season_ok.warehouse)


@pytest.fixture(scope="session")
def validation_run(season_ok, reports):
    """30_validation over 2023-24 on warehouse A, after a player was renamed EVIL."""
    import duckdb

    with duckdb.connect(season_ok.warehouse) as con:
        con.execute("""UPDATE nba_analytics.player_game_summary SET player_full_name = ?
                       WHERE game_date = DATE '2023-11-14' AND player_lookup = (
                         SELECT player_lookup FROM nba_analytics.player_game_summary
                         WHERE game_date = DATE '2023-11-14'
                         ORDER BY points DESC, player_lookup LIMIT 1)""", [EVIL])
    return run_notebook("validate", {"start_date": "2023-10-01"}, reports_dir=reports,
                        warehouse=season_ok.warehouse)


@pytest.fixture(scope="session")
def preflight_run(season_ok, reports):
    """00_preflight on warehouse A."""
    return run_notebook("00_preflight", {}, reports_dir=reports, warehouse=season_ok.warehouse)


@pytest.fixture(scope="session")
def recovery_runs(season_failed, reports):
    """40_recovery on warehouse B: the preview, then the applied recovery."""
    wh = season_failed.warehouse
    preview = run_notebook("recover", {"season": SEASON}, reports_dir=reports, warehouse=wh)
    applied = run_notebook("recover", {"season": SEASON, "apply": "true"}, reports_dir=reports,
                           warehouse=wh)
    return SimpleNamespace(preview=preview, applied=applied, warehouse=wh)


@pytest.fixture(scope="session")
def interactive_run(copy_of, reports):
    """50_interactive in batch mode (autorun) over the first days of the season."""
    return run_notebook("interactive", {"season": SEASON, "autorun": True, **WINDOW},
                        reports_dir=reports, warehouse=copy_of("interactive"))


class injected_failure:
    """Set $NBKIT_INJECT_FAILURE for the duration (the kernel inherits it)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __enter__(self):
        self.saved = os.environ.get("NBKIT_INJECT_FAILURE")
        os.environ["NBKIT_INJECT_FAILURE"] = self.value

    def __exit__(self, *exc):
        if self.saved is None:
            os.environ.pop("NBKIT_INJECT_FAILURE", None)
        else:
            os.environ["NBKIT_INJECT_FAILURE"] = self.saved


def read_nb(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def outputs_text(nb) -> str:
    """Every output of every cell as one string (text/plain, text/html and streams)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts += [str(data.get(k, "")) for k in ("text/plain", "text/html")]
            parts.append(out.get("evalue", ""))
    return "\n".join(parts)
