"""`nbkit --project examples/phase5 season 2023-24`, `gaps` and `validate` run stage 5
through the same notebooks, ledger, gates and reports as the built-ins (papermill)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkit.cli import main

from .helpers import copy_example


@pytest.fixture(scope="module")
def season_run(builtins_done, tmp_path_factory):
    import shutil

    root = copy_example(tmp_path_factory.mktemp("nb") / "p5")
    wh = root.parent / "wh.duckdb"
    shutil.copy(builtins_done, wh)
    reports = root.parent / "reports"
    rc = main(["--project", str(root), "season", "2023-24", "--warehouse", str(wh),
               "--reports", str(reports)])
    return root, wh, reports, rc


def _executed(reports: Path, stem: str) -> str:
    path = sorted(reports.glob(f"runs/*{stem}*/{stem}.ipynb"))[-1]
    return json.dumps(json.load(open(path)))


def test_season_notebook_runs_stage_5_and_its_gate(season_run):
    root, _, reports, rc = season_run
    assert rc == 0
    record = json.loads(sorted(reports.glob("runs/*10_season*/run.json"))[-1].read_text())
    assert record["gate_verdicts"]["gate3"] == "PASS", record  # the gate after stage 5
    text = _executed(reports, "10_season")
    assert "stage5" in text and "Later stages" in text
    assert "check no_prediction_without_line (blocking)" in text
    assert "nba_predictions.prediction_grading" in text  # in the checkpoint's coverage
    assert len(list((root / "exports").glob("*.csv"))) == 14


def test_gaps_and_validate_show_the_new_tables(season_run, capsys):
    root, wh, reports, _ = season_run
    assert main(["--project", str(root), "gaps", "--warehouse", str(wh), "--reports",
                 str(reports), "--start-date", "2023-10-24"]) == 0
    assert "nba_predictions.player_points_baseline" in _executed(reports, "20_gap_analysis")
    rc = main(["--project", str(root), "validate", "--warehouse", str(wh), "--reports",
               str(reports), "--start-date", "2023-10-24"])
    assert rc == 0, capsys.readouterr().out
    text = _executed(reports, "30_validation")
    assert "stage5" in text  # the gate after stage 5, in the sign-off checks
