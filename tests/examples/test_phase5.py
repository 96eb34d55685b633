"""examples/phase5 on DuckDB: the stage-5 processors run through the same plan, executor,
ledger, checks and gates as the built-ins; edits make exactly their dates stale."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nbkit import gates
from nbkit.backfill import execute, prepare
from nbkit.executor import RunOptions
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse

from .conftest import SEASON
from .helpers import copy_example, project

STAGE5 = ["player_points_baseline", "prediction_grading", "prediction_export"]


def _backfill(wh, **request):
    prepared = prepare(wh, make_request(**({"season": SEASON} | request)))
    return prepared, execute(wh, prepared, RunOptions(progress=False, retries=0))


def _to_run(wh) -> dict[str, int]:
    plan = prepare(wh, make_request(season=SEASON)).plan
    frame = plan.to_frame()
    return frame[frame["action"] == "run"].groupby("processor").size().to_dict()


def test_stage_5_backfills_with_its_checks_and_export(tmp_path, warehouse_copy):
    root = copy_example(tmp_path / "p5")
    with project(root), open_warehouse(str(warehouse_copy)) as wh:
        prepared, result = _backfill(wh)
        assert set(prepared.plan.to_frame().query("action == 'run'")["processor"]) == set(STAGE5)
        assert result.status == "success", result.alerts
        rows = wh.query("""
            SELECT p.n AS predictions, g.n AS graded, e.n AS exported, e.files AS files
            FROM (SELECT COUNT(*) n FROM nba_predictions.player_points_baseline
                  WHERE game_date >= '2023-10-01') p,
                 (SELECT COUNT(*) n FROM nba_predictions.prediction_grading
                  WHERE game_date >= '2023-10-01') g,
                 (SELECT SUM(rows_exported) n, COUNT(*) files FROM nba_predictions.prediction_exports
                  WHERE game_date >= '2023-10-01') e""").iloc[0]
        history = wh.query("""
            SELECT phase, status, COUNT(*) AS n FROM nba_reference.processor_run_history
            WHERE processor_name = 'PlayerPointsBaselineProcessor' GROUP BY 1, 2""")
        assert _to_run(wh) == {}  # resumable: a second plan has nothing left
        sc = gates.scope(wh, dt.date(2023, 10, 24), dt.date(2023, 11, 14))
        gate = gates.stage_gate(wh, sc, 5)
    assert rows["predictions"] > 1000 and rows["graded"] == rows["exported"] > 1000
    exports = sorted((root / "exports").glob("*.csv"))
    assert len(exports) == rows["files"] == 14
    assert len(pd.read_csv(exports[0])) > 0
    assert history.to_dict("records") == [{"phase": "phase_5", "status": "success", "n": 14}]
    assert gates.verdict(gate) == gates.PASS, gate[gate["verdict"] != gates.PASS]
    checks = gate[gate["check"].str.startswith("check ")]
    assert set(checks["check"]) == {"check no_prediction_without_line (blocking)",
                                    "check mean_absolute_error_above_7 (warning)"}
    assert set(gate["check"]) >= {f"coverage nba_predictions.{t}" for t in (
        "player_points_baseline", "prediction_grading", "prediction_exports")}


def test_editing_the_script_or_one_sql_stales_exactly_its_dates_and_downstream(
        tmp_path, warehouse_copy):
    root = copy_example(tmp_path / "p5")
    script = root / "scripts" / "export_predictions.py"
    baseline = root / "processors" / "player_points_baseline.sql"
    with project(root), open_warehouse(str(warehouse_copy)) as wh:
        _backfill(wh)
    script.write_text(script.read_text() + "\n# a tweak\n")
    with project(root), open_warehouse(str(warehouse_copy)) as wh:
        assert _to_run(wh) == {"prediction_export": 14}
        _backfill(wh)
    baseline.write_text(baseline.read_text().replace("0.5 * f.features", "0.6 * f.features")
                        .replace("0.3 * f.features", "0.2 * f.features"))
    with project(root), open_warehouse(str(warehouse_copy)) as wh:
        assert _to_run(wh) == {name: 14 for name in STAGE5}
        plan = prepare(wh, make_request(season=SEASON)).plan.to_frame()
    reasons = plan[plan["action"] == "run"].groupby("processor")["reason"].first().to_dict()
    assert reasons["player_points_baseline"] == "stale code version"
    assert reasons["prediction_grading"].startswith("upstream rerun in this plan")


def test_a_blocking_check_fails_the_date_and_holds_its_downstream(tmp_path, warehouse_copy):
    root = copy_example(tmp_path / "p5")
    check = root / "checks" / "no_prediction_without_line.sql"
    check.write_text(check.read_text().replace(
        "WHERE p.game_date IN UNNEST(@dates)\n",
        "WHERE p.game_date IN UNNEST(@dates) AND p.game_date = DATE '2023-11-08'\n  OR "
        "p.game_date IN UNNEST(@dates) AND p.game_date = DATE '2023-11-08'\n"))
    with project(root), open_warehouse(str(warehouse_copy)) as wh:
        _, result = _backfill(wh)
        sc = gates.scope(wh, dt.date(2023, 10, 24), dt.date(2023, 11, 14))
        gate = gates.stage_gate(wh, sc, 5)
    out = result.outcomes
    failed = out[out["status"] == "failed"]
    assert failed[["processor", "date"]].astype(str).values.tolist() == [
        ["player_points_baseline", "2023-11-08"]]
    assert "check no_prediction_without_line" in failed["reason"].iloc[0]
    held = out[(out["date"] == dt.date(2023, 11, 8)) & (out["processor"] != STAGE5[0])]
    assert set(held["status"]) == {"skipped"} and len(held) == 2
    assert any(a.startswith("CHECK FAILED no_prediction_without_line") for a in result.alerts)
    row = gate[gate["check"] == "check no_prediction_without_line (blocking)"].iloc[0]
    assert row["verdict"] == gates.FAIL and "2023-11-08" in row["detail"]
