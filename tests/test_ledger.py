"""nbkit.ledger on a real empty DuckDB warehouse: history rows, run rows, latest outcome, leases.

Every row is written through the Ledger API and read back with plain SQL; the expected
values are worked out by hand from the outcomes each test records.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from nbkit.errors import NbkitError
from nbkit.leases import LEASES
from nbkit.ledger import RUN_HISTORY, RUNS, Ledger, Outcome

from .engine.toys import ToyDefense, ToyTeamRows

T0 = dt.datetime(2023, 11, 2, 12, 0, tzinfo=dt.timezone.utc)
D1, D2, D3, D4 = (dt.date(2023, 10, 24), dt.date(2023, 10, 25), dt.date(2023, 10, 26),
                  dt.date(2023, 10, 27))
HOUR = dt.timedelta(hours=1)
TOGS = ToyTeamRows.TARGET_TABLE


def outcome(day: dt.date, status: str = "success", proc=ToyTeamRows, at: dt.datetime = T0,
            seconds: float = 6.0, **kwargs) -> Outcome:
    """One processor outcome that started at ``at`` and took ``seconds``."""
    return Outcome(proc.NAME, proc.RUN_HISTORY_NAME, proc.PHASE, proc.TARGET_TABLE, day, status,
                   kwargs.pop("code_version", "v1"), at, at + dt.timedelta(seconds=seconds),
                   **kwargs)


@pytest.fixture
def wh(duck):
    """A private, writable warehouse with the schema and no rows (a copy of the run's
    empty-schema file: tests/conftest.py)."""
    return duck


def history(wh, where: str = "TRUE") -> pd.DataFrame:
    frame = wh.query(f"SELECT * FROM `{RUN_HISTORY}` WHERE {where} "
                     "ORDER BY run_id, processor_name, data_date, status, retry_attempt")
    frame["data_date"] = pd.to_datetime(frame["data_date"]).dt.date
    return frame


# --------------------------------------------------------------------------- history rows

def test_record_writes_one_production_shaped_row_per_outcome(wh):
    ledger = Ledger(wh)
    written = ledger.record("run_a", [
        outcome(dt.date(2024, 1, 10), proc=ToyDefense, seconds=6.0, chunk_dates=3, rows=4,
                expected_rows=4, job_ids=("job1", "job2"), chunk_bytes_billed=2048),
        outcome(D1, "failed", error="boom: division by zero"),
        outcome(D2, "skipped", skip_reason="upstream incomplete: x", seconds=0),
        outcome(D3, "skipped", seconds=0),
    ], trigger="repair")
    assert written == 4
    rows = history(wh).set_index("data_date")
    assert len(rows) == 4 and set(rows["run_id"]) == {"run_a"}

    ok = rows.loc[dt.date(2024, 1, 10)]
    assert ok["processor_name"] == "ToyDefenseProcessor"
    assert ok["season_year"] == 2023            # January 2024 is in the 2023-24 season
    assert ok["phase"] == "phase_4_precompute"
    assert (ok["output_dataset"], ok["output_table"]) == ("nba_precompute",
                                                          "team_defense_zone_analysis")
    assert ok["duration_seconds"] == pytest.approx(2.0)  # 6 s for a chunk of 3 dates
    assert (ok["records_processed"], ok["records_created"], ok["records_updated"]) == (4, 4, 0)
    assert ok["cloud_run_revision"] == "v1" and ok["retry_attempt"] == 1
    assert ok["trigger_source"] == "repair" and ok["triggered_by"] == "nbkit"
    assert bool(ok["backfill_mode"]) and not bool(ok["skipped"])
    assert pd.isna(ok["errors"])
    assert json.loads(ok["summary"]) == {
        "code_version": "v1", "expected_rows": 4, "rows": 4, "chunk_dates": 3,
        "processor": "toy_defense", "job_ids": ["job1", "job2"], "chunk_bytes_billed": 2048}

    failed = rows.loc[D1]
    assert failed["phase"] == "phase_3_analytics" and failed["status"] == "failed"
    errors = json.loads(failed["errors"])
    assert [(e["error_type"], e["error_message"]) for e in errors] == [
        ("ProcessorError", "boom: division by zero")]
    assert bool(failed["dependency_check_passed"])

    skipped = rows.loc[D2]
    assert bool(skipped["skipped"]) and skipped["skip_reason"] == "upstream incomplete: x"
    assert not bool(skipped["dependency_check_passed"])  # skipped for a reason: a dependency
    assert bool(rows.loc[D3, "skipped"]) and bool(rows.loc[D3, "dependency_check_passed"])


def test_phase_without_a_production_name_is_recorded_as_phase_n(wh):
    class Phase5(ToyTeamRows):
        NAME, RUN_HISTORY_NAME, PHASE = "toy_phase5", "ToyPhase5Processor", 5
        TARGET_TABLE = "nba_predictions.ml_feature_store_v2"

    Ledger(wh).record("run_a", [outcome(D1, proc=Phase5)])
    row = history(wh).iloc[0]
    assert (row["phase"], row["output_dataset"], row["output_table"]) == (
        "phase_5", "nba_predictions", "ml_feature_store_v2")


def test_record_is_an_upsert_on_run_processor_date_status_attempt(wh):
    ledger = Ledger(wh)
    first = outcome(D1, rows=3)
    ledger.record("run_a", [first])
    ledger.record("run_a", [first])  # the same write reaching the warehouse twice
    assert len(history(wh)) == 1
    # same identity, new values: the row is replaced, not doubled
    ledger.record("run_a", [outcome(D1, rows=4, at=T0 + HOUR)])
    rows = history(wh)
    assert len(rows) == 1 and rows["records_processed"].tolist() == [4]
    # each identity column that differs makes a row of its own
    ledger.record("run_a", [outcome(D1, attempt=2),                  # retry_attempt
                            outcome(D1, "failed"),                   # status
                            outcome(D2),                             # data_date
                            outcome(D1, proc=ToyDefense)])           # processor_name
    ledger.record("run_b", [outcome(D1)])                            # run_id
    rows = history(wh)
    assert len(rows) == 6
    assert rows.groupby(["run_id", "processor_name", "data_date", "status",
                         "retry_attempt"]).size().max() == 1


def test_record_of_nothing_writes_nothing(wh):
    assert Ledger(wh).record("run_a", []) == 0
    assert len(history(wh)) == 0


def test_latest_is_the_newest_settled_outcome_per_processor_and_date(wh):
    ledger = Ledger(wh)
    ledger.record("run_a", [outcome(D1, "failed"), outcome(D2), outcome(D3, "partial"),
                            outcome(D1, proc=ToyDefense), outcome(D4)])
    ledger.record("run_b", [outcome(D1, at=T0 + HOUR, code_version="v2"),
                            outcome(D2, "retried", at=T0 + 2 * HOUR),   # not an outcome yet
                            outcome(D2, "running", at=T0 + 2 * HOUR)])
    # a tie on processed_at goes to the larger run_id
    ledger.record("run_c", [outcome(D3, at=T0)])
    frame = ledger.latest(["toy_x_unused", ToyTeamRows.RUN_HISTORY_NAME], D1, D3)
    got = {(r.processor_name, r.data_date): (r.status, r.run_id, r.code_version)
           for r in frame.itertuples()}
    assert got == {("ToyTeamRowsProcessor", D1): ("success", "run_b", "v2"),
                   ("ToyTeamRowsProcessor", D2): ("success", "run_a", "v1"),
                   ("ToyTeamRowsProcessor", D3): ("success", "run_c", "v1")}
    assert all(isinstance(d, dt.date) for d in frame["data_date"])
    both = ledger.latest([ToyTeamRows.RUN_HISTORY_NAME, ToyDefense.RUN_HISTORY_NAME], D1, D1)
    assert sorted(both["processor_name"]) == ["ToyDefenseProcessor", "ToyTeamRowsProcessor"]


def test_latest_of_no_processor_is_empty_with_its_columns(wh):
    Ledger(wh).record("run_a", [outcome(D1)])
    frame = Ledger(wh).latest([], D1, D4)
    assert frame.empty and list(frame.columns) == ["processor_name", "data_date", "status",
                                                   "code_version", "run_id", "processed_at"]


def test_history_is_every_row_of_the_date_range(wh):
    ledger = Ledger(wh)
    ledger.record("run_a", [outcome(D1), outcome(D2, "failed"), outcome(D4)])
    ledger.record("run_b", [outcome(D2, "success", attempt=2)])
    frame = ledger.history(D2, D3)
    assert sorted(zip(frame["run_id"], frame["status"], frame["retry_attempt"])) == [
        ("run_a", "failed", 1), ("run_b", "success", 2)]


# --------------------------------------------------------------------------- run rows

def test_start_then_finish_leaves_one_run_row_with_both_halves(wh):
    ledger = Ledger(wh)
    started = ledger.start_run("run_a", "backfill", {"season": "2023-24", "api_token": "s3cret"},
                               {"toy_team_rows": "abc123"}, notebook_path="nb/backfill.ipynb",
                               dates_planned=9, tasks_planned=18, bytes_estimated=1000)
    run = ledger.run("run_a")
    assert run["status"] == "running" and run["finished_at"] is None
    assert json.loads(run["parameters"]) == {"season": "2023-24", "api_token": "***"}
    assert json.loads(run["code_versions"]) == {"toy_team_rows": "abc123"}
    assert (run["command"], run["backend"], int(run["pid"])) == ("backfill", "duckdb",
                                                                os.getpid())
    assert (run["dates_planned"], run["tasks_planned"], run["bytes_estimated"]) == (9, 18, 1000)
    assert pd.Timestamp(run["run_date"]).date() == started.date()

    ledger.finish_run("run_a", started, "failed",
                      {"success": 10, "failed": 2, "partial": 1, "skipped": 3, "rows": 40},
                      ["QUARANTINED toy_defense"], {"gate1": "FAIL"}, bytes_billed=123,
                      not_a_run_column="dropped")
    rows = wh.query(f"SELECT * FROM `{RUNS}` WHERE run_id = 'run_a'")
    assert len(rows) == 1
    run = ledger.run("run_a")
    assert run["status"] == "failed"
    assert (run["tasks_succeeded"], run["tasks_failed"], run["tasks_skipped"],
            run["rows_written"]) == (10, 3, 3, 40)  # partial counts as failed
    assert json.loads(run["alerts"]) == ["QUARANTINED toy_defense"]
    assert json.loads(run["gate_verdicts"]) == {"gate1": "FAIL"}
    assert run["bytes_billed"] == 123
    # what the start wrote is kept
    assert (run["command"], run["dates_planned"], run["notebook_path"]) == (
        "backfill", 9, "nb/backfill.ipynb")
    assert pd.Timestamp(run["finished_at"]) >= pd.Timestamp(run["started_at"])
    assert "not_a_run_column" not in rows.columns


def test_finish_without_gate_verdicts_records_an_empty_object(wh):
    ledger = Ledger(wh)
    started = ledger.start_run("run_a", "backfill", {}, {})
    ledger.finish_run("run_a", started, "success", {"success": 2}, [])
    run = ledger.run("run_a")
    assert json.loads(run["gate_verdicts"]) == {} and json.loads(run["alerts"]) == []
    assert (run["tasks_succeeded"], run["tasks_failed"], run["rows_written"]) == (2, 0, 0)


def test_unknown_run_is_an_error_that_says_how_to_list_runs(wh):
    with pytest.raises(NbkitError, match="No run 'nope' in the ledger") as err:
        Ledger(wh).run("nope")
    assert "nbkit_runs" in err.value.fix


def test_runs_lists_the_newest_first_up_to_the_limit(wh):
    ledger = Ledger(wh)
    for run_id in ("run_1", "run_2", "run_3"):
        ledger.start_run(run_id, "backfill", {}, {})
    assert ledger.runs(limit=2)["run_id"].tolist() == ["run_3", "run_2"]
    assert len(ledger.runs()) == 3


# --------------------------------------------------------------------------- leases

def test_heartbeat_extends_a_lease_and_release_ends_it(wh):
    ledger = Ledger(wh)
    lease = ledger.leases.acquire("run_a", [TOGS], [D1, D2], ttl_seconds=60, owner="ana")
    held = ledger.leases.active()
    assert held[["lease_id", "run_id", "owner"]].values.tolist() == [[lease.lease_id, "run_a",
                                                                      "ana"]]
    first = pd.Timestamp(held["expires_at"].iloc[0])
    ledger.leases.heartbeat(lease, ttl_seconds=3600)
    later = pd.Timestamp(ledger.leases.active()["expires_at"].iloc[0])
    assert later - first > pd.Timedelta(minutes=55)
    ledger.leases.release(lease)
    assert ledger.leases.active().empty
    row = wh.query(f"SELECT status, released_at FROM `{LEASES}`").iloc[0]
    assert row["status"] == "released" and not pd.isna(row["released_at"])
    # released: the same tables and dates can be taken at once
    ledger.leases.release(ledger.leases.acquire("run_b", [TOGS], [D1]))


def test_live_lease_of_a_dead_process_on_this_host_is_taken_over_and_recorded(wh):
    ledger = Ledger(wh)
    crashed = ledger.leases.acquire("run_crashed", [TOGS], [D1, D2], ttl_seconds=3600)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    crashed.pid = gone.pid            # its heartbeat now names a process that has exited
    ledger.leases.heartbeat(crashed, ttl_seconds=3600)
    lease = ledger.leases.acquire("run_new", [TOGS], [D2, D3])  # no --take-over-stale-lease needed
    assert [t["lease_id"] for t in ledger.leases.taken_over] == [crashed.lease_id]
    rows = wh.query(f"SELECT lease_id, status, taken_over_by FROM `{LEASES}`")
    state = {r.lease_id: (r.status, r.taken_over_by) for r in rows.itertuples()}
    assert state[crashed.lease_id] == ("taken_over", lease.lease_id)
    assert state[lease.lease_id][0] == "active"
