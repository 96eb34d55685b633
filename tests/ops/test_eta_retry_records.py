"""Pure parts: the ETA model, the retry policy's bounds, date-range collapsing, pruning."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from nbkit import retry
from nbkit.progress import EtaModel, Progress
from nbkit.runs import date_ranges, prune


def test_eta_uses_this_runs_chunks_by_processor_and_size():
    eta = EtaModel({"cheap": [[1] * 10] * 4, "dear": [[1] * 10] * 4}, [["cheap"], ["dear"]], 2,
                   history={"dear": [(10, 8.0)]})
    assert eta.remaining_seconds() is None  # cheap has no measurement and no history
    eta.measured("cheap", 10, 1.0)
    assert eta.remaining_seconds() == pytest.approx(3 * 1.0 + 4 * 8.0)
    eta.measured("dear", 10, 4.0)  # this run's own chunks win over history
    eta.finished("cheap")
    assert eta.remaining_seconds() == pytest.approx(3 * 4.0)


def test_eta_level_of_parallel_processors_is_bounded_by_workers():
    eta = EtaModel({"a": [[1]] * 2, "b": [[1]] * 2}, [["a", "b"]], workers=1)
    eta.measured("a", 1, 2.0)
    eta.measured("b", 1, 2.0)
    assert eta.remaining_seconds() == pytest.approx(4.0)  # one worker: the sum
    eta.workers = 2
    assert eta.remaining_seconds() == pytest.approx(2.0)  # two: the longest


def test_eta_of_a_processor_running_its_chunks_side_by_side():
    eta = EtaModel({"a": [[1] * 10] * 5}, [["a"]], workers=2)
    eta.measured("a", 10, 2.0)
    assert eta.remaining_seconds() == pytest.approx(8.0)  # four chunks one after another
    eta.lanes("a", 2)
    assert eta.remaining_seconds() == pytest.approx(4.0)  # two at a time
    eta.started("a")
    eta.started("a")  # two in flight, each partly done
    assert 0.0 <= eta.remaining_seconds() <= 4.0


def test_text_mode_progress_prints_one_final_line(capsys, monkeypatch):
    monkeypatch.setenv("NBKIT_PROGRESS", "text")
    bar = Progress(5, True, lambda: 1.0)
    for _ in range(5):
        bar.advance(1, "x")
    bar.close()
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("backfill: 5/5 tasks in")
    assert len(bar.samples) == 5


def test_retry_total_wait_is_bounded_and_permanent_errors_are_not_retried():
    calls = []

    def transient():
        calls.append(time.monotonic())
        raise ConnectionResetError("reset")

    policy = retry.RetryPolicy(attempts=50, initial_seconds=0.1, max_seconds=0.2,
                               total_wait_seconds=0.5, jitter=0)
    began = time.monotonic()
    with pytest.raises(ConnectionResetError) as info:
        retry.call(transient, lambda e: True, policy)
    assert time.monotonic() - began < 1.5 and 2 <= len(calls) < 50
    assert info.value.nbkit_attempts == len(calls)
    calls.clear()
    with pytest.raises(ValueError):
        retry.call(lambda: calls.append(1) or (_ for _ in ()).throw(ValueError("bad")),
                   lambda e: False, policy)
    assert len(calls) == 1


def test_date_ranges_collapse_consecutive_game_dates():
    d = dt.date
    games = [d(2024, 1, 1), d(2024, 1, 3), d(2024, 1, 4), d(2024, 1, 8)]
    assert date_ranges(games, games) == ["2024-01-01..2024-01-08 (4)"]
    assert date_ranges([d(2024, 1, 1), d(2024, 1, 8)], games) == ["2024-01-01", "2024-01-08"]


def test_prune_removes_report_folders_never_the_ledger(tmp_path):
    runs = tmp_path / "runs"
    for i in range(4):
        folder = runs / f"r{i}"
        folder.mkdir(parents=True)
        started = dt.datetime(2026, 1, 1 + i, tzinfo=dt.timezone.utc).isoformat()
        (folder / "run.json").write_text(json.dumps({"started_at": started, "status": "success",
                                                     "notebook": "10_season"}))
    gone = prune(tmp_path, keep=2)
    assert sorted(gone) == ["r0", "r1"] and sorted(p.name for p in runs.iterdir()) == ["r2", "r3"]
    assert "r2" in (tmp_path / "index.html").read_text() and "r0" not in \
        (tmp_path / "index.html").read_text()
    now = dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc)
    assert prune(tmp_path, older_than_days=6.5, now=now) == ["r2"]


def test_eta_close_chunk_sizes_never_fit_a_slope_to_noise():
    """Two season chunks of 207 and 214 dates timed 3.0 s and 4.7 s: a least-squares slope
    through them (0.24 s/date, intercept clamped) predicted 52 s for the next 215-date chunk."""
    from nbkit.progress import _fit

    assert 3.0 <= _fit([(207, 3.0), (214, 4.7)], 215) <= 4.7
    # sizes far apart do show a fixed cost per chunk: 1 date 0.5 s, 100 dates 2.5 s
    assert abs(_fit([(1, 0.52), (100, 2.5), (40, 1.3)], 70) - 1.9) < 0.1


def test_eta_history_scaled_by_this_runs_pace():
    """History from a run twice as slow: once one chunk shows this run's pace, the
    processors still to come are predicted at it."""
    history = {"a": [(10, 4.0)], "b": [(10, 8.0)]}
    eta = EtaModel({"a": [[1] * 10] * 2, "b": [[1] * 10]}, [["a"], ["b"]], 1, history)
    assert eta.remaining_seconds() == 16.0
    eta.started("a")
    eta.measured("a", 10, 2.0)  # this run is twice as fast
    assert abs(eta.remaining_seconds() - (2.0 + 4.0)) < 1e-6
