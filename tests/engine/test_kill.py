"""kill -9 at random points, then resume: same checksums as an uninterrupted run.

The kill points are chosen by progress, not by a fixed sleep: each victim run is killed a
random 0-0.25 s after its k-th recorded outcome (k random in 0..5; 0 counts from the moment
the plan is prepared, so lease taking and the first chunks are hit too). The jitter lands
the kill between chunks or inside one; the schedule is long enough that every victim is
killed before it finishes, however fast the machine. Victims are separate processes forked
from a forkserver that has nbkit imported (SIGKILL hits a process holding the warehouse
file exactly as before; only the per-process import time is saved).
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from nbkit.checksums import table_checksums
from nbkit.warehouse import open_warehouse

from .run_toy_backfill import backfill
from .toys import schedule

pytestmark = pytest.mark.reliability
TABLES = ["nba_analytics.team_offense_game_summary", "nba_precompute.team_defense_zone_analysis"]
DAYS = 40  # 64 outcomes; eight victims record at most 8 x 6 of them before their kill
VICTIMS = 8
PRELOAD = ["tests.engine.run_toy_backfill", "nbkit.checksums"]


def make(path: Path, empty_schema: Path) -> None:
    shutil.copy(empty_schema, path)
    with open_warehouse(str(path)) as wh:
        wh.write_frame("nba_raw.nbac_schedule", schedule(days=DAYS))


def run(ctx, path: Path, kill_at: tuple[int, float] | None = None) -> str | None:
    """The toy backfill in a child process; with ``kill_at=(k, jitter)`` SIGKILLed
    ``jitter`` seconds after its k-th outcome (k=0: after the plan is prepared). None when
    it was killed, else the run's status."""
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=backfill, args=(str(path), send), daemon=True)
    proc.start()
    send.close()
    seen, last = -1, None  # the EXECUTE message counts as outcome 0
    try:
        while True:
            try:
                last = receive.recv()
            except EOFError:
                break
            seen += last in ("EXECUTE", "OUTCOME")
            if kill_at is not None and seen >= kill_at[0]:
                time.sleep(kill_at[1])
                if proc.exitcode is None:
                    proc.kill()
                    proc.join(30)
                    return None
                kill_at = None
    finally:
        receive.close()
    proc.join(300)
    assert proc.exitcode == 0, f"the toy backfill exited with {proc.exitcode}"
    return last


def sums(path: Path) -> list[pd.DataFrame]:
    with open_warehouse(str(path), read_only=True) as wh:
        out = [table_checksums(wh, t) for t in TABLES]
        dup = wh.query("SELECT COUNT(*) - COUNT(DISTINCT CONCAT(CAST(game_date AS STRING), "
                       "game_id, team_abbr)) AS d FROM nba_analytics.team_offense_game_summary")
        assert dup["d"].iloc[0] == 0
    return out


def test_kill_at_random_points_then_resume_matches_uninterrupted(tmp_path, empty_schema_path):
    reference = tmp_path / "reference.duckdb"
    make(reference, empty_schema_path)
    assert backfill(str(reference)) == "success"  # uninterrupted, in this process
    expected = sums(reference)

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    victim = tmp_path / "victim.duckdb"
    make(victim, empty_schema_path)
    rng = random.Random(20241129)
    kills = 0
    for _ in range(VICTIMS):
        if run(ctx, victim, kill_at=(rng.randint(0, 5), rng.uniform(0, 0.25))) is None:
            kills += 1
    final = run(ctx, victim)
    assert final in ("success", "nothing to do")
    assert kills >= 3, "the run finished before most kills; lengthen the schedule"
    for got, want in zip(sums(victim), expected):
        pd.testing.assert_frame_equal(got, want)
