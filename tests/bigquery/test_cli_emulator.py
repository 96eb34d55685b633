"""The ``nbkit`` command against the emulator: cost estimates, and a budget that refuses.

Setup (once per module): four game nights of the 2023-24 season in the emulator, the
schedule and gamebook rows of the seed-7 sample's first nights moved 105 weeks forward
(2021-10-19, a Tuesday, becomes 2023-10-24, opening night of 2023-24), so Phase 3 runs on
all four dates and Phase 4 on the two after the bootstrap week. Then, in a subprocess each
(tests/bigquery/cli_on_emulator.py: the real CLI, with the emulator-only workarounds and a
job log), ``nbkit plan --season 2023-24`` and ``nbkit backfill --season 2023-24
--max-bytes-billed <half the plan's total>``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import dataclass

import pandas as pd
import pytest

from nbkit.processors import registry
from nbkit.warehouse import open_warehouse
from nbkit.warehouse.bigquery import ENDPOINT_ENV
from tests.bigquery import plugin
from tests.bigquery.cli_on_emulator import LOG_ENV
from tests.bigquery.emulator import REPO
from tests.bigquery.jobs import Job, read_lines

pytestmark = pytest.mark.bigquery

PROJECT = plugin.PROJECT
SHIFT = dt.timedelta(weeks=105)
NIGHTS = [dt.date(2021, 10, 19), dt.date(2021, 10, 20), dt.date(2021, 10, 27),
          dt.date(2021, 10, 28)]
LOADED = ("nba_raw.nbac_schedule", "nba_raw.nbac_gamebook_player_stats")
UNWRITTEN = ["nba_reference.nbkit_runs", "nba_reference.processor_run_history",
             "nba_reference.nbkit_writer_leases"] + [p.TARGET_TABLE for p in registry.all()]
UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


@dataclass
class Cli:
    plan: subprocess.CompletedProcess
    plan_jobs: list[Job]
    budget: int
    backfill: subprocess.CompletedProcess
    backfill_jobs: list[Job]
    rows_after: dict[str, int]


@pytest.fixture(scope="module")
def cli(bigquery_emulator, _bigquery_admin, seed7_sample, tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("cli")
    with plugin.emulator_warehouse(bigquery_emulator, _bigquery_admin) as (wh, _):
        _load_2023_24(wh, seed7_sample)
        plan = _nbkit(bigquery_emulator, folder / "plan.jsonl", "plan", "--season", "2023-24")
        assert plan.returncode == 0, plan.stderr
        budget = total_bytes(plan.stdout) // 2
        backfill = _nbkit(bigquery_emulator, folder / "backfill.jsonl", "backfill", "--season",
                          "2023-24", "--max-bytes-billed", str(budget), "--no-progress")
        listed = wh.list_tables().set_index("table_id")["row_count"]
        return Cli(plan, read_lines(folder / "plan.jsonl"), budget, backfill,
                   read_lines(folder / "backfill.jsonl"),
                   {t: int(listed.get(t, -1)) for t in UNWRITTEN + list(LOADED)})


def _load_2023_24(wh, sample: str) -> None:
    wh.init_schema()
    with open_warehouse(sample, read_only=True) as source:
        for table in LOADED:
            frame = source.query(f"SELECT * FROM `{PROJECT}.{table}` "
                                 f"WHERE game_date IN UNNEST(@nights)", {"nights": NIGHTS})
            frame["game_date"] = [d + SHIFT for d in pd.to_datetime(frame["game_date"]).dt.date]
            frame["season_year"] = 2023
            wh.write_frame(table, frame)


def _nbkit(server, log, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, ENDPOINT_ENV: server.endpoint, LOG_ENV: str(log)}
    log.touch()
    return subprocess.run([sys.executable, "-m", "tests.bigquery.cli_on_emulator", *args,
                           "--warehouse", f"bigquery://{PROJECT}"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def estimate_rows(stdout: str) -> list[list[str]]:
    """The rows of the plan's "Estimated bytes scanned" table, split on blanks."""
    lines = stdout.split("Estimated bytes scanned:")[1].strip().splitlines()
    return [line.split() for line in lines[1:] if not line.startswith("Total:")]


def total_bytes(stdout: str) -> int:
    """The plan's printed total, rounded down to its printed precision."""
    value, unit = re.search(r"^Total: ([\d.]+) (\w+)$", stdout, re.M).groups()
    return int(float(value) * UNITS[unit])


def test_plan_prints_estimated_bytes_per_processor_and_total(cli):
    assert f"Plan: {len(NIGHTS)} game dates" in cli.plan.stdout, cli.plan.stdout
    rows = estimate_rows(cli.plan.stdout)
    assert sorted(r[0] for r in rows) == sorted(p.NAME for p in registry.all()), rows
    for name, dates, method, value, unit in rows:
        phase = registry.get_or_raise(name).PHASE
        assert int(dates) == (len(NIGHTS) if phase == 3 else 2), name
        assert method == "metadata" and float(value) > 0 and unit in UNITS, name
    assert cli.budget > 0


def test_plan_estimates_from_metadata_because_the_dry_run_says_zero(cli):
    dry = [j for j in cli.plan_jobs if j.kind == "dry_run"]
    # The first dry run answers 0 bytes for inputs that hold rows: nbkit stops asking.
    assert len(dry) == 1 and dry[0].bytes_processed == 0
    assert "@dates" in dry[0].sql
    assert not [j for j in cli.plan_jobs if j.writes]


def test_backfill_over_budget_is_refused_with_the_reason(cli):
    result = cli.backfill
    assert result.returncode != 0, result.stdout
    assert "over the budget" in result.stderr and "nothing was run" in result.stderr, \
        result.stderr
    assert "raise --max-bytes-billed" in result.stderr


def test_refused_backfill_writes_nothing(cli):
    assert cli.backfill_jobs and not [j for j in cli.backfill_jobs if j.writes], \
        [j.sql for j in cli.backfill_jobs if j.writes]
    assert {t: cli.rows_after[t] for t in UNWRITTEN} == {t: 0 for t in UNWRITTEN}
    assert all(cli.rows_after[t] > 0 for t in LOADED), cli.rows_after
