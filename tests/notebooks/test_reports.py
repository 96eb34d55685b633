"""reports/index.html and the HTML reports: links, escaping, offline charts in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nbkit.report import load_runs, write_index

from .conftest import EVIL, SECRET, read_nb


def test_index_lists_runs_newest_first_with_working_links(season_ok, season_failed, reports):
    index = Path(reports) / "index.html"
    html = index.read_text()
    runs = load_runs(reports)
    assert len(runs) >= 2
    started = [r["started_at"] for r in runs]
    assert started == sorted(started, reverse=True)
    listing = html[html.index('<table id="runs"'):]
    positions = [listing.index(r["_dir"]) for r in runs]
    assert positions == sorted(positions)  # rendered in the same (newest first) order
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) >= 3 * len(runs)
    for href in hrefs:
        assert (index.parent / href).exists(), href
    for word in ("10_season", "2023-24", "success", "failed", "gate2 FAIL", "GateFailed"):
        assert word in html, word


def test_index_escapes_every_value(tmp_path):
    run_dir = tmp_path / "runs" / "20250101T000000Z_evil"
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(json.dumps({
        "notebook": EVIL, "status": "failed", "started_at": "2025-01-01T00:00:00+00:00",
        "parameters": {"season": '<img src=x onerror="alert(2)">'},
        "gate_verdicts": {EVIL: "FAIL"}, "ledger_run_ids": [EVIL],
        "error": {"ename": "GateFailed", "evalue": EVIL}, "duration_seconds": 1.0,
        "html": 'x"><script>alert(3)</script>.html', "executed_notebook": "a.ipynb",
        "detail": {"coverage": {"dates": ["2025-01-01"], "tables": [EVIL],
                                "status": [[EVIL]]}, "numbers": {EVIL: EVIL}}}))
    html = write_index(tmp_path).read_text()
    assert "<script>alert" not in html and "alert(3)</script>" not in html
    facts = html.split('id="run-facts">', 1)[1].split("</script>", 1)[0]
    assert "<" not in facts and "alert(1)" in facts  # in the data, as \u003c-escaped JSON
    assert "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert '"><script>' not in html


def test_reports_are_offline_small_and_share_one_copy_of_the_assets(
        season_ok, gaps_run, validation_run, reports):
    assets = Path(reports) / "assets"
    assert len(list(assets.glob("plotly-*.min.js"))) == 1
    assert len(list(assets.glob("jupyterlab-*.css"))) == 1
    for report in (season_ok.report, gaps_run, validation_run):
        html = report.html.read_text()
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
        assert "* plotly.js v" not in html  # linked, never embedded
        refs = re.findall(r'(?:src|href)="(\.\./\.\./assets/[^"]+)"', html)
        assert refs and all((report.html.parent / r).exists() for r in refs), refs
        assert report.html.stat().st_size <= 400 * 1024, report.html
        assert "nbkit-show-code" in html and "Show / hide code" in html
    assert "Plotly.newPlot" in gaps_run.html.read_text()
    assert re.search(r'src="\.\./\.\./assets/plotly-[\d.]+\.min\.js"', gaps_run.html.read_text())


def test_self_contained_report_inlines_plotly_once_and_links_nothing(gaps_run):
    from nbkit.report import render_notebook_html

    page = render_notebook_html(read_nb(gaps_run.executed_notebook), "gaps", "success")
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1
    assert "assets/" not in page and "<link" not in page
    assert "jp-Notebook" in page and "--jp-" in page  # the JupyterLab CSS is inline


def test_report_card_shows_verdict_numbers_and_only_set_parameters(season_ok, gaps_run):
    html = season_ok.report.html.read_text()
    card = html[html.index('id="nbkit-card"'):html.index("Show / hide code")]
    assert "Season backfill: SUCCESS - gate1 PASS, gate2 PASS" in card
    for label in ("Phase 3 tasks", "Phase 4 tasks", "Phase 3 dates complete", "duration",
                  "bytes billed"):
        assert label in card, label
    assert "season = 2023-24" in card and "start_date" not in card  # empty ones left out
    assert SECRET not in html
    gaps_card = gaps_run.html.read_text()
    assert "missing or partial table dates" in gaps_card


def test_saved_report_keeps_only_the_final_progress_line(season_ok):
    html = season_ok.report.html.read_text()
    assert re.search(r"backfill: \d+/\d+ tasks in", html)  # the one final line
    assert "backfill:   0%" not in html


def test_tables_have_no_index_and_say_empty_in_words(gaps_run):
    html = gaps_run.html.read_text()
    assert 'class="nbkit-table"' in html
    assert "<th></th>" not in html and "dataframe" not in html
    assert "No failures needing attention." in html or "failure" in html


def test_final_lines_keeps_each_lines_last_refresh():
    from nbkit.report import final_lines

    text = "start\nbackfill:   0%| eta=8m\rbackfill:  50%|\rbackfill: 100%| 4/4\ndone\n"
    assert final_lines(text) == "start\nbackfill: 100%| 4/4\ndone\n"


def test_index_with_100_runs_stays_under_150_kib():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "report_sizes.py"
    spec = importlib.util.spec_from_file_location("report_sizes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.index_size(100) <= module.INDEX_LIMIT_KIB
