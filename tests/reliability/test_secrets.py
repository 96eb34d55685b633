"""Secrets never written down; data rendered as text, never as markup.

A secret notebook parameter (gcp_access_token) is passed to real notebook runs
on a small warehouse (the seed-7 sample up to 2021-11-10, Phase 3 backfilled):
it must not appear in the executed notebook, the HTML report, run.json,
reports/index.html, the ledger tables, or the logs and stderr of the run.
A player renamed ``<script>alert(1)</script>`` must reach every HTML artifact
(report, executed notebook's HTML outputs, index) only escaped.

Existing coverage this extends: tests/notebooks checks the secret for 10_season
(run dir files, nbkit_runs.parameters) and the escaped name in 30_validation's
HTML report; index escaping is checked there on a synthetic run.json.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nbkit.secrets import redact
from nbkit.warehouse import open_warehouse

pytestmark = pytest.mark.reliability

SECRET = "SECRET-abc123-xyz"
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
AS_OF = dt.date(2021, 11, 10)
LAST = AS_OF


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Sample up to 2021-11-10, Phase 3 backfilled (the run's parameters hold the secret),
    the top scorer of the last date renamed EVIL."""
    from nbkit.backfill import execute, prepare
    from nbkit.executor import RunOptions
    from nbkit.plan import make_request
    import shutil

    from tests.shared import seed7_sample_file

    path = tmp_path_factory.mktemp("secrets") / "wh.duckdb"
    shutil.copy(seed7_sample_file(tmp_path_factory, AS_OF), path)
    with open_warehouse(str(path)) as wh:
        params = {"season": "2021-22", "gcp_access_token": SECRET,
                  "nested": {"api_key": SECRET, "inner": {"password": SECRET}}}
        result = execute(wh, prepare(wh, make_request(start_date="2021-10-19",
                                                      end_date=AS_OF.isoformat(), phases="3")),
                         RunOptions(progress=False, parameters=params,
                                    command="nbkit backfill --season 2021-22"))
        assert result.status == "success", result.alerts
        wh.execute(f"""UPDATE `nba-props-platform.nba_analytics.player_game_summary`
                       SET player_full_name = @evil
                       WHERE game_date = DATE '{LAST}' AND player_lookup = (
                         SELECT player_lookup
                         FROM `nba-props-platform.nba_analytics.player_game_summary`
                         WHERE game_date = DATE '{LAST}'
                         ORDER BY points DESC, player_lookup LIMIT 1)""", {"evil": EVIL})
    return SimpleNamespace(path=path, run_id=result.run_id)


@pytest.fixture(scope="module")
def runs(small, tmp_path_factory):
    """20_gap_analysis and 30_validation with the secret, logs and stderr captured."""
    import os
    import sys
    import tempfile

    from nbkit.runbook import run_notebook

    reports = tmp_path_factory.mktemp("reports")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sink = tempfile.TemporaryFile(mode="w+b")
    sys.stderr.flush()
    saved_fd = os.dup(2)
    os.dup2(sink.fileno(), 2)  # file-descriptor level: the kernel and subprocesses too
    try:
        gaps = run_notebook("20_gap_analysis", {"start_date": "2021-10-19",
                                                "gcp_access_token": SECRET},
                            reports_dir=reports, warehouse=str(small.path))
        validation = run_notebook("30_validation", {"start_date": "2021-10-19",
                                                    "gcp_access_token": SECRET},
                                  reports_dir=reports, warehouse=str(small.path))
    finally:
        sys.stderr.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        root.removeHandler(handler)
        root.setLevel(saved_level)
    sink.seek(0)
    stderr = sink.read().decode(errors="ignore")
    sink.close()
    logs = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)
    return SimpleNamespace(reports=reports, gaps=gaps, validation=validation, logs=logs,
                           stderr=stderr)


def all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_both_runs_completed_their_record(runs):
    assert runs.gaps.ok, runs.gaps.error
    # 30_validation fails its gates (Phase 4 is empty, strict=True) but leaves its files
    assert runs.validation.status == "failed"
    assert runs.validation.error["ename"] == "GateFailed"
    for report in (runs.gaps, runs.validation):
        assert report.executed_notebook.exists() and report.html and report.html.exists()
        assert report.run_json.exists()
    assert (runs.reports / "index.html").exists()


def test_secret_in_no_file_the_runs_left(runs):
    files = all_files(runs.reports)
    names = {p.name for p in files}
    assert {"index.html", "20_gap_analysis.ipynb", "20_gap_analysis.html",
            "30_validation.ipynb", "30_validation.html", "run.json"} <= names
    for path in files:
        text = path.read_text(errors="ignore")
        assert SECRET not in text, path
        assert "abc123" not in text, path  # no fragment either
    for report in (runs.gaps, runs.validation):
        data = json.loads(report.run_json.read_text())
        assert "gcp_access_token" not in data["parameters"]
        assert SECRET not in json.dumps(report.parameters)
        assert SECRET not in report.summary()


def test_secret_never_injected_into_the_notebook(runs):
    for report in (runs.gaps, runs.validation):
        nb = nbformat.read(str(report.executed_notebook), as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and "gcp_access_token" not in injected[0].source


def test_secret_not_in_logs_or_stderr(runs):
    assert runs.logs  # the runner did log (so the check is not vacuous)
    assert SECRET not in runs.logs
    assert SECRET not in runs.stderr


def test_secret_not_in_ledger_tables(small, runs):
    with open_warehouse(str(small.path), read_only=True) as wh:
        runs_table = wh.query("SELECT * FROM `nba-props-platform.nba_reference.nbkit_runs`")
        history = wh.query("SELECT * FROM `nba-props-platform.nba_reference.processor_run_history`"
                           " WHERE data_date IS NOT NULL OR data_date IS NULL")
    assert len(runs_table) >= 1 and len(history) >= 1
    assert SECRET not in runs_table.to_csv() and SECRET not in history.to_csv()
    params = json.loads(runs_table.set_index("run_id").loc[small.run_id, "parameters"])
    assert params["gcp_access_token"] == "***"
    assert params["nested"] == {"api_key": "***", "inner": {"password": "***"}}
    assert params["season"] == "2021-22"


def test_redact_nested_dicts():
    params = {"season": "2023-24", "GCP_ACCESS_TOKEN": "a", "Authorization": "b",
              "db": {"host": "h", "password": "c", "deeper": {"private_key": "d",
                                                              "client_secret": "e"}},
              "apiKey": "f", "credentials_file": "g", "workers": 2}
    out = redact(params)
    assert out == {"season": "2023-24", "GCP_ACCESS_TOKEN": "***", "Authorization": "***",
                   "db": {"host": "h", "password": "***",
                          "deeper": {"private_key": "***", "client_secret": "***"}},
                   "apiKey": "***", "credentials_file": "***", "workers": 2}
    assert params["db"]["password"] == "c"  # the input is not modified
    assert redact({}) == {} and redact(None) == {}


def test_redact_secrets_inside_lists():
    out = redact({"connections": [{"name": "bq", "token": SECRET}]})
    assert SECRET not in json.dumps(out)


def test_player_name_is_escaped_in_every_html_artifact(runs):
    report = runs.validation
    html = report.html.read_text()
    assert ESCAPED in html and EVIL not in html  # the renamed player is shown, as text
    # the executed notebook opened in Jupyter: its HTML outputs must escape the name too
    nb = nbformat.read(str(report.executed_notebook), as_version=4)
    html_outputs = [str(o.get("data", {}).get("text/html", "")) for c in nb.cells
                    for o in c.get("outputs", [])]
    assert any(ESCAPED in h for h in html_outputs)
    assert not any(EVIL in h for h in html_outputs)
    index = (runs.reports / "index.html").read_text()
    assert EVIL not in index
    gaps_html = runs.gaps.html.read_text()
    assert EVIL not in gaps_html
