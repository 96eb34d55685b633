"""Cost control: estimates before the run, and a budget that refuses before any write."""

from __future__ import annotations

import pytest

from nbkit import cost
from nbkit.backfill import execute, prepare
from nbkit.errors import ParamsError
from nbkit.executor import RunOptions
from nbkit.plan import make_request

from .engine.toys import schedule, toy_registry

REG = toy_registry()


@pytest.fixture
def wh(duck):
    duck.write_frame("nba_raw.nbac_schedule", schedule())
    return duck


def test_metadata_estimate_is_rows_in_window_times_row_width(wh):
    prepared = prepare(wh, make_request(season="2023-24", phases="3", registry=REG), registry=REG)
    est = cost.estimate(wh, prepared.plan, REG).set_index("processor")
    rows = len(schedule())
    assert est.loc["toy_team_rows", "method"] == "metadata"
    assert est.loc["toy_team_rows", "bytes"] == rows * cost.row_bytes("nba_raw.nbac_schedule")


def test_budget_below_estimate_refuses_before_writing(wh):
    prepared = prepare(wh, make_request(season="2023-24", registry=REG), registry=REG)
    with pytest.raises(cost.BudgetExceededError, match="nothing was run.*Fix: raise"):
        execute(wh, prepared, RunOptions(progress=False, max_bytes_billed=1000), registry=REG)
    for table in ("nba_analytics.team_offense_game_summary", "nba_reference.nbkit_runs",
                  "nba_reference.processor_run_history", "nba_reference.nbkit_writer_leases"):
        assert wh.query(f"SELECT COUNT(*) AS n FROM `{table}`")["n"].iloc[0] == 0
    ok = execute(wh, prepared, RunOptions(progress=False, max_bytes_billed=10**12), registry=REG)
    assert ok.status == "success"


def test_job_context_cleans_labels_and_restores():
    from nbkit.warehouse import open_warehouse

    with open_warehouse("duckdb://:memory:") as mem:
        with mem.job_context({"Run ID": "nbkit_2024/11"}, 5) as ctx:
            assert ctx["labels"] == {"run_id": "nbkit_2024_11"}
            assert mem._job_settings()["max_bytes_billed"] == 5
        assert mem._job_settings() is None


@pytest.mark.parametrize("text,value", [("500MB", 500 * 10**6), ("10GiB", 10 * 2**30),
                                        ("1e9", 10**9), ("2048", 2048)])
def test_parse_bytes(text, value):
    assert cost.parse_bytes(text) == value


@pytest.mark.parametrize("bad", ["lots", "-5GB", "10XB", ""])
def test_parse_bytes_rejects_with_fix(bad):
    with pytest.raises(ParamsError, match="Fix: use a number of bytes"):
        cost.parse_bytes(bad)
