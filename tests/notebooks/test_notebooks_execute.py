"""Every notebook executes under papermill against the small sample warehouse."""

from __future__ import annotations

import json

import pandas as pd

from nbkit.ledger import Ledger
from nbkit.runbook import run_notebook
from nbkit.warehouse import open_warehouse

from .conftest import EVIL, FAILING_DATE, SEASON, SECRET, WINDOW, outputs_text, read_nb


def test_season_runs_plan_phases_gates_checkpoint(season_ok):
    report = season_ok.report
    assert report.ok, report.error
    assert report.gate_verdicts == {"gate1": "PASS", "gate2": "PASS"}
    assert len(report.ledger_run_ids) == 2  # Phase 3 and Phase 4
    text = outputs_text(read_nb(report.executed_notebook))
    for expected in ("Plan for 2023-24", "Phase 3: success", "Phase 4: success",
                     "Gate 1 for season 2023-24", "Checkpoint 2023-24", "complete",
                     "tasks in"):
        assert expected in text, expected
    data = json.loads(report.run_json.read_text())
    assert data["status"] == "success" and data["detail"]["status_detail"] == "complete"
    assert set(data["ledger_runs"].values()) == {"success"}


def test_ledger_records_the_executed_notebook(season_ok):
    with open_warehouse(season_ok.warehouse, read_only=True) as wh:
        runs = Ledger(wh).runs()
    mine = runs[runs["run_id"].isin(season_ok.report.ledger_run_ids)]
    assert len(mine) == 2
    assert set(mine["notebook_path"]) == {str(season_ok.report.executed_notebook.resolve())}
    assert all(c.startswith("nbkit run notebooks/10_season.ipynb -p season 2023-24")
               for c in mine["command"])
    assert SECRET not in " ".join(mine["parameters"])


def test_preflight_passes_on_a_sound_warehouse(preflight_run):
    report = preflight_run
    assert report.ok, report.error
    assert report.gate_verdicts == {"gate0": "PASS"}
    text = outputs_text(read_nb(report.executed_notebook))
    for expected in ("warehouse reachable", "known hole", "BettingPros", "sparse by nature",
                     "bootstrap_first", "dry-run plan for 2023-11-01", "no writer lease held",
                     "player_composite_factors"):
        assert expected in text, expected


def test_gap_analysis_heatmap_lists_and_eta(gaps_run):
    report = gaps_run
    assert report.ok, report.error
    nb = read_nb(report.executed_notebook)
    mimes = [m for c in nb.cells for o in c.get("outputs", []) for m in o.get("data", {})]
    assert "application/vnd.plotly.v1+json" in mimes
    text = outputs_text(nb)
    for expected in ("seconds_per_date", "remaining_dates", "month", "Coverage by date"):
        assert expected in text, expected


def test_validation_signs_off_and_escapes_names(validation_run):
    report = validation_run  # a player was renamed <script>alert(1)</script> before it ran
    assert report.ok, report.error
    assert report.gate_verdicts == {g: "PASS" for g in ("gate0", "gate1", "gate2", "gate3")}
    text = outputs_text(read_nb(report.executed_notebook))
    assert "Phase 3: dates complete on all 5 tables" in text and "21/21" in text
    assert "14/14" in text  # Phase 4 outside the 7 bootstrap dates
    html = report.html.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert EVIL not in html


def test_failing_run_is_saved_flagged_with_quarantine_and_recover_command(season_failed):
    report = season_failed.report
    assert report.status == "failed" and report.error["ename"] == "GateFailed"
    assert report.executed_notebook.exists() and report.html.exists()
    nb = read_nb(report.executed_notebook)
    top = nb.cells[0]
    assert top.cell_type == "markdown" and "nbkit-run-failed" in top.metadata["tags"]
    assert "Run FAILED at cell In [" in top.source and "Gate 2" in top.source
    assert "nbkit run notebooks/40_recovery.ipynb -p season 2023-24" in top.source
    assert "-p apply True" in top.source
    text = outputs_text(nb)
    assert "Quarantined dates" in text and FAILING_DATE in text
    assert "upstream incomplete: team_defense_zone_analysis" in text
    assert "Checkpoint" not in text  # the run stopped at the failed gate
    data = json.loads(report.run_json.read_text())
    assert data["status"] == "failed" and data["gate_verdicts"]["gate2"] == "FAIL"
    assert data["commands"]["recover (retry failed tasks and their downstream)"].endswith(
        "-p apply True")
    assert "nbkit-failed" in report.html.read_text()


def test_recovery_previews_then_applies(recovery_runs):
    wh, preview = recovery_runs.warehouse, recovery_runs.preview
    assert preview.ok, preview.error
    assert preview.ledger_run_ids == []  # a preview writes nothing
    text = outputs_text(read_nb(preview.executed_notebook))
    assert "team_defense_zone_analysis" in text and "ml_feature_store" in text
    assert "preview only" in text and "-p apply True" in text
    applied = recovery_runs.applied
    assert applied.ok, applied.error
    assert len(applied.ledger_run_ids) == 1
    nb = read_nb(applied.executed_notebook)
    after = [c for c in nb.cells if c.cell_type == "code" and "rec.after()" in c.source][0]
    frame = after.outputs[0]["data"]["text/plain"]
    assert "done" in frame and "missing" not in frame and "failed" not in frame
    with open_warehouse(wh, read_only=True) as con:
        states = con.query("""SELECT status FROM nba_reference.processor_run_history
                              WHERE data_date = DATE '2023-11-06' AND run_id = @r""",
                           {"r": applied.ledger_run_ids[0]})
    assert set(states["status"]) == {"success"} and len(states) == 3


def test_interactive_stepper_notebook_autoruns(interactive_run):
    report = interactive_run
    assert report.ok, report.error
    assert report.gate_verdicts == {"gate1": "PASS", "gate2": "PASS"}
    assert len(report.ledger_run_ids) == 2
    text = outputs_text(read_nb(report.executed_notebook))
    assert "'gate2': 'PASS'" in text and "Phase 4: success" in text
    assert "interactive stepper: open this notebook in JupyterLab" in report.html.read_text()


def test_dry_run_writes_nothing(copy_of, reports):
    wh = copy_of("dry")
    report = run_notebook("season", {"season": SEASON, "dry_run": True, **WINDOW},
                          reports_dir=reports, warehouse=wh)
    assert report.ok, report.error
    assert report.ledger_run_ids == []
    with open_warehouse(wh, read_only=True) as con:
        assert pd.DataFrame(Ledger(con).runs()).empty
