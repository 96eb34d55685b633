"""kill -9 at random points, then resume: same checksums as an uninterrupted run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from nbkit.checksums import table_checksums
from nbkit.warehouse import open_warehouse

from .toys import schedule

pytestmark = pytest.mark.reliability
SCRIPT = Path(__file__).with_name("run_toy_backfill.py")
TABLES = ["nba_analytics.team_offense_game_summary", "nba_precompute.team_defense_zone_analysis"]


def make(path: Path) -> None:
    with open_warehouse(str(path)) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", schedule(days=100))


def run(path: Path, kill_after: float | None = None) -> str | None:
    proc = subprocess.Popen([sys.executable, str(SCRIPT), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        time.sleep(kill_after)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return None
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out.strip().splitlines()[-1]


def sums(path: Path) -> list[pd.DataFrame]:
    with open_warehouse(str(path), read_only=True) as wh:
        out = [table_checksums(wh, t) for t in TABLES]
        dup = wh.query("SELECT COUNT(*) - COUNT(DISTINCT CONCAT(CAST(game_date AS STRING), "
                       "game_id, team_abbr)) AS d FROM nba_analytics.team_offense_game_summary")
        assert dup["d"].iloc[0] == 0
    return out


def test_kill_at_random_points_then_resume_matches_uninterrupted(tmp_path):
    reference = tmp_path / "reference.duckdb"
    make(reference)
    assert run(reference) == "success"
    expected = sums(reference)

    victim = tmp_path / "victim.duckdb"
    make(victim)
    rng = random.Random(20241129)
    kills = 0
    for _ in range(8):
        if run(victim, kill_after=rng.uniform(1.5, 4.5)) is None:
            kills += 1
    final = run(victim)
    assert final in ("success", "nothing to do")
    assert kills >= 3, "the run finished before most kills; lengthen the schedule"
    for got, want in zip(sums(victim), expected):
        pd.testing.assert_frame_equal(got, want)
