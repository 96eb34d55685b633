"""Cancel: SIGTERM and `nbkit cancel` stop a real backfill at a chunk boundary, cleanly."""

from __future__ import annotations

import signal
import time

import pandas as pd
import pytest

from nbkit.cancel import parse_duration, request_file
from nbkit.errors import ParamsError
from nbkit.exitcodes import ExitCode
from nbkit.ledger import Ledger
from nbkit.warehouse import open_warehouse

from .helpers import checksums, finish, make_duckdb, nbkit, read_until, run_id_from, start

pytestmark = pytest.mark.reliability
ARGS = ["backfill", "--season", "2023-24", "--chunk-size", "1", "--no-progress"]
# Three weeks of toy games: 18 game dates. SIGTERM and --max-runtime stop at the first chunk
# boundary after the --hold handshake (paused after the first outcome), not at a point set by
# the run's length, so a short season is enough. `nbkit cancel` on DuckDB is a flag file read
# at every chunk boundary (nbkit/cancel.py remote_poll_seconds), so it too stops at the first
# boundary after the handshake; that test keeps a 60-day season.
DAYS = 21
GAME_DATES = sum(1 for i in range(DAYS) if i % 7 != 6)  # tests/engine/toys.py::schedule


def _reference(tmp_path) -> list[pd.DataFrame]:
    path = make_duckdb(tmp_path / "reference.duckdb", days=DAYS)
    code, doc = nbkit(ARGS + ["--warehouse", path])
    assert code == 0 and doc["data"]["status"] == "success"
    with open_warehouse(path, read_only=True) as wh:
        return checksums(wh)


def _assert_cancelled_cleanly(wh, run_id: str, most: int = GAME_DATES) -> None:
    """Cancelled, lease released, and fewer than ``most`` (< all) outcomes succeeded."""
    ledger = Ledger(wh)
    run = ledger.run(run_id)
    assert run["status"] == "cancelled"
    assert "CANCELLED" in run["alerts"]
    assert ledger.leases.active().empty, "the lease must be released"
    leases = wh.query("SELECT status FROM nba_reference.nbkit_writer_leases "
                      "WHERE run_id = @r", {"r": run_id})
    assert set(leases["status"]) == {"released"}
    done = wh.query("SELECT COUNT(*) AS n FROM nba_reference.processor_run_history "
                    "WHERE run_id = @r AND status = 'success'", {"r": run_id})["n"].iloc[0]
    assert 0 < done < most, "cancelled mid-run: some dates done, not all"


def test_sigterm_mid_run_duckdb_exits_cancelled_releases_lease_and_resumes(tmp_path):
    expected = _reference(tmp_path)
    path = make_duckdb(tmp_path / "victim.duckdb", days=DAYS)
    proc = start(ARGS + ["--warehouse", path, "--json"], "--hold")
    _, lines = read_until(proc.stderr, "HOLDING")
    run_id = run_id_from(lines)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    code, doc, err = finish(proc)
    assert time.monotonic() - sent < 10, "must exit within 10 s of SIGTERM"
    assert code == ExitCode.CANCELLED == doc["exit_code"], err
    assert doc["exit_name"] == "cancelled" and doc["data"]["status"] == "cancelled"
    with open_warehouse(path, read_only=True) as wh:
        _assert_cancelled_cleanly(wh, run_id)
    code, doc = nbkit(ARGS + ["--warehouse", path])
    assert code == 0 and doc["data"]["status"] == "success", doc
    with open_warehouse(path, read_only=True) as wh:
        for got, want in zip(checksums(wh), expected):
            pd.testing.assert_frame_equal(got, want)


def test_nbkit_cancel_from_a_second_process_duckdb(tmp_path):
    path = make_duckdb(tmp_path / "wh.duckdb", days=60)
    proc = start(ARGS + ["--warehouse", path, "--json"], "--hold")
    _, lines = read_until(proc.stderr, "HOLDING")
    run_id = run_id_from(lines)
    code, doc = nbkit(["cancel", run_id, "--warehouse", path])  # the file is locked: flag file
    assert code == 0 and doc["data"]["requested"] is True
    assert request_file(path, run_id).exists()
    proc.stdin.write("go\n")
    proc.stdin.flush()
    code, doc, err = finish(proc)
    assert code == ExitCode.CANCELLED, err
    assert not request_file(path, run_id).exists(), "the request is cleared once honoured"
    with open_warehouse(path, read_only=True) as wh:
        _assert_cancelled_cleanly(wh, run_id, most=100)  # of the season's ~97 outcomes


def test_max_runtime_stops_like_a_cancel(tmp_path):
    """The run is held after its first outcome until its 1 s budget has passed (instead of
    a season long enough to outlast it on any machine): it stops at the next boundary."""
    path = make_duckdb(tmp_path / "wh.duckdb", days=DAYS)
    proc = start(ARGS + ["--warehouse", path, "--json", "--max-runtime", "1s"], "--hold")
    _, lines = read_until(proc.stderr, "HOLDING")
    run_id = run_id_from(lines)
    time.sleep(1.2)  # past the deadline, which the CLI set before it took the lease
    proc.stdin.write("go\n")
    proc.stdin.flush()
    code, doc, err = finish(proc)
    assert code == ExitCode.CANCELLED, err
    assert any("--max-runtime" in a for a in doc["data"]["alerts"])
    with open_warehouse(path, read_only=True) as wh:
        _assert_cancelled_cleanly(wh, run_id)
    code, doc = nbkit(ARGS + ["--warehouse", path])
    assert code == 0 and doc["data"]["status"] == "success"


def test_cancel_of_a_finished_run_is_refused(tmp_path):
    path = make_duckdb(tmp_path / "wh.duckdb", days=10)
    code, doc = nbkit(ARGS + ["--warehouse", path])
    run_id = doc["data"]["run_id"]
    code, doc = nbkit(["cancel", run_id, "--warehouse", path])
    assert code == ExitCode.BAD_INPUT and "not running" in doc["error"]["problem"]


@pytest.mark.parametrize("text,seconds", [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200),
                                          ("1h30m", 5400)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0s", "-5m", "1d"])
def test_parse_duration_refuses_nonsense(text):
    with pytest.raises(ParamsError, match="Fix:"):
        parse_duration(text)
