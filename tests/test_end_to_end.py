"""The operators' job, end to end, on the full four-season sample warehouse.

From the starting state (Phase 3 on 348/675 dates with a partial date and
duplicates, Phase 4 empty): gap analysis sees it, one backfill command repairs
and completes everything, a rerun writes nothing, every gate passes.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from nbkit import gaps, gates
from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.starting_state import apply_starting_state
from nbkit.status import load_calendar
from nbkit.warehouse import open_warehouse

pytestmark = pytest.mark.slow
START, END = dt.date(2021, 10, 1), dt.date(2024, 11, 29)


@pytest.fixture(scope="module")
def starting(sample_raw_path, tmp_path_factory):
    """The operators' starting state, on a copy of the run's default sample."""
    path = shutil.copy(sample_raw_path, tmp_path_factory.mktemp("e2e") / "start.duckdb")
    wh = open_warehouse(str(path))
    state = apply_starting_state(wh, load_calendar(wh), END, seed=7)
    yield wh, state
    wh.close()


def coverage(wh):
    cal = load_calendar(wh, START, END)
    status = gaps.table_status(gaps.task_states(wh, cal.game_dates()), cal)
    return status, gaps.coverage_by_table(status).set_index("table")


def test_gap_analysis_sees_the_starting_state(starting):
    wh, state = starting
    status, cov = coverage(wh)
    phase3 = cov[cov["phase"] == 3]
    assert (phase3["expected_dates"] == 675).all()
    assert phase3.loc["nba_analytics.upcoming_team_game_context", "complete"] == 348
    assert phase3.loc["nba_analytics.team_offense_game_summary", "partial"] == 1
    assert phase3.loc["nba_analytics.player_game_summary", "duplicate_rows"] == 25
    bad = gaps.missing_dates(status)
    assert state.partial_date in set(bad[bad["table"].str.endswith("team_offense_game_summary")]
                                     ["data_date"])
    assert (cov[cov["phase"] == 4]["complete"] == 0).all()


def test_one_backfill_from_the_starting_state_completes_everything(backfilled_sample_path):
    """``backfilled_sample_path`` is that starting state after one ``backfill`` of the whole
    range, built once per run (tests/conftest.py; the build asserts the run's success)."""
    with open_warehouse(str(backfilled_sample_path), read_only=True) as wh:
        _, cov = coverage(wh)
        checks = gates.all_gates(wh, START, END)
    assert (cov[cov["phase"] == 3]["complete"] == 675).all()
    assert (cov[cov["phase"] == 4]["complete"] == 647).all()
    assert (cov["duplicate_rows"] == 0).all()
    failing = checks[checks["verdict"] == gates.FAIL]
    assert failing.empty, failing.to_string()


def test_a_rerun_writes_nothing(backfilled_sample_path, tmp_path):
    path = shutil.copy(backfilled_sample_path, tmp_path / "wh.duckdb")
    request = make_request(start_date="2021-10-19", end_date="2024-11-29")
    with open_warehouse(str(path)) as wh:
        again = execute(wh, prepare(wh, request), RunOptions(progress=False))
    assert again.status == "nothing to do"
